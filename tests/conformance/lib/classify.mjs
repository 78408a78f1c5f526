// Groups disagreements into kinds, so a run with many failing scenarios reads as a short list
// of model errors. The kinds are the ones this suite has found so far (see docs/CONFORMANCE.md);
// anything else is `other` and deserves a look of its own.

const CLIENT_HINTS = ['dpr', 'width', 'viewport-width', 'device-memory', 'rtt', 'downlink', 'ect'];

function requests(s) {
  return [s.request, ...(s.sequence || [])];
}

function hasNonAscii(s) {
  return requests(s).some((r) => (r.headers || []).some(([, v]) => /[^\x00-\x7f]/.test(v)));
}

const HEADER_FIELD = /Request header field (\S+) is not allowed/;

/** The kind of one failing scenario (`f` has problems, scenario, chromium). */
export function classify(f) {
  const s = f.scenario;
  const r0 = s.request;
  const fields = f.problems.map((p) => p.field);
  const has = (prefix) => fields.some((x) => x.startsWith(prefix));
  const problem = (field) => f.problems.find((p) => p.field === field);

  if (has('simulate')) return 'simulator-error';
  const con = problem('console');
  if (con && typeof con.browser === 'string' && typeof con.cors_sim === 'string') {
    const a = HEADER_FIELD.exec(con.browser);
    const b = HEADER_FIELD.exec(con.cors_sim);
    if (a && b && a[1] !== b[1] && con.browser.replace(a[1], b[1]) === con.cors_sim) {
      return 'several-disallowed-headers-named-differently';
    }
    if (con.cors_sim.includes("from origin 'null'") && con.browser.replace(/from origin '[^']*'/, "from origin 'null'") === con.cors_sim) {
      return 'tainted-origin-in-console-line';
    }
  }
  const lines = problem('console_lines');
  const chromeLines = lines && Array.isArray(lines.browser) ? lines.browser.join('\n') : '';
  if (con && typeof con.browser === 'string' && con.browser.startsWith('Uncaught ') &&
      typeof con.cors_sim === 'string' && con.cors_sim.replace('Uncaught (in promise) ', 'Uncaught ') === con.browser) {
    return 'xhr-exception-console-prefix';
  }
  if (con && typeof con.browser === 'string' && con.browser.startsWith('Unsafe attempt to load URL')) {
    return 'same-origin-mode-redirect-console';
  }
  if (con && typeof con.browser === 'string' && con.browser.includes("Redirect location ''")) {
    return 'redirect-credentials-empty-hint';
  }
  if (chromeLines.includes('net::ERR_UNSAFE_REDIRECT')) return 'redirect-to-non-http-console';
  if (chromeLines.includes('net::ERR_TOO_MANY_REDIRECTS')) return 'too-many-redirects-console';
  if (requests(s).some((r) => r.mode === 'no-cors') && (s.server.redirects || []).length) {
    return 'no-cors-redirects-ignored';
  }
  if (requests(s).some((r) => r.mode === 'no-cors') && has('request_header.')) return 'no-cors-guard-combined-value';
  if (has('request_header.range')) return 'range-header-reserialized';
  const ctype = problem('request_header.content-type');
  if (ctype && requests(s).some((r) => r.api === 'xhr') && /charset="?UTF-8/.test(String(ctype.browser))) {
    return 'xhr-charset-rewritten-to-utf8';
  }
  if (fields.some((x) => CLIENT_HINTS.some((h) => x.startsWith(`request_header.${h} (hop`)))) {
    return 'client-hints-dropped-on-redirect';
  }
  const acrh = problem('preflight.Access-Control-Request-Headers');
  if (acrh && (s.server.redirects || []).length) return 'client-hints-dropped-on-redirect';
  const jsErr = problem('js.error');
  if (jsErr && /setRequestHeader/.test(String(jsErr.browser))) return 'xhr-setrequestheader-message';
  const pf = f.problems.find((p) => p.field === 'preflight_sent');
  const conditional = /^(if-none-match|if-modified-since|if-match|if-unmodified-since|if-range)$/i;
  if (pf && pf.k > 0 && pf.browser === true && requests(s).some((r) => (r.headers || []).some(([n]) => conditional.test(n)))) {
    return 'preflight-cache-bypassed-for-conditional-headers';
  }
  if (pf && pf.browser === false && pf.cors_sim === true) {
    const req = requests(s)[pf.k] || r0;
    const bodiless = req.body == null || ['GET', 'HEAD'].includes(String(req.method).toUpperCase());
    if (req.api === 'xhr' && req.upload_listeners && bodiless) return 'xhr-upload-listener-without-body';
    if (pf.k > 0) {
      const first = f.trace;
      return first && first.blocked && first.blocked.stage === 'response' ? 'preflight-cache-kept-after-failure' : 'preflight-cache-other';
    }
  }
  if ((pf || acrh) && hasNonAscii(s)) return 'header-length-counted-in-utf8';
  return 'other';
}
