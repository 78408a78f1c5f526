// Field-by-field comparison of what a real engine did (server log, script's view, console) with
// the Trace cors-sim predicted for that engine's browser model.

import { getHeader, headerPairs } from './servers.mjs';

function noiseKind(noise, text) {
  return noise.find((n) => n.re.test(text))?.kind ?? null;
}

/** `Uncaught (in promise) TypeError: …` → `TypeError: …` (see engines/firefox.mjs). */
function withoutUncaughtPrefix(line) {
  return line.replace(/^Uncaught (\(in promise\) )?/, '');
}

function pathOf(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Names the browser owns: whatever the script set, the wire value is not the author's. */
const BROWSER_OWNED = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
  'x-http-method', 'x-http-method-override', 'x-method-override', 'user-agent',
]);

function sortedSet(a) {
  return [...new Set(a)].sort();
}

/**
 * Compares request k of a scenario. Returns { diffs: [{ field, browser, cors_sim }], notes }.
 * `obs` = { result, log: [server log entries of k], console: [console entries of k],
 * uncaught: [lines] }. `engine` = { name, noise, uncaughtPrefixDropped }.
 */
export function compareRequest(spec, trace, obs, engine) {
  const diffs = [];
  const notes = [];
  const diff = (field, browser, sim) => diffs.push({ field, browser, cors_sim: sim });
  const r = obs.result || { settled: 'missing' };
  const api = spec.api ?? 'fetch';

  // 1. Preflight: sent or not (a cache hit is "not sent"), and what it carried.
  const preflights = obs.log.filter((e) => e.kind === 'preflight');
  const simSent = !!trace.preflight && !trace.preflight.from_cache;
  if ((preflights.length > 0) !== simSent) diff('preflight_sent', preflights.length > 0, simSent);
  if (preflights.length > 1) notes.push(`${engine.name} sent ${preflights.length} preflights (the trace shows one)`);
  if (preflights.length > 0 && simSent) {
    const last = preflights[preflights.length - 1];
    const h = trace.preflight.request.headers;
    const simAcrm = getHeader(h, 'access-control-request-method');
    const simAcrh = getHeader(h, 'access-control-request-headers');
    const simOrigin = getHeader(h, 'origin');
    if (last.acrm !== simAcrm) diff('preflight.Access-Control-Request-Method', last.acrm, simAcrm);
    if (last.acrh !== simAcrh) diff('preflight.Access-Control-Request-Headers', last.acrh, simAcrh);
    if (last.origin !== simOrigin) diff('preflight.Origin', last.origin, simOrigin);
    if (last.target !== pathOf(trace.preflight.request.url)) {
      diff('preflight.url', last.target, pathOf(trace.preflight.request.url));
    }
  }

  // 2. The actual request and its redirect hops as the server received them.
  const actual = obs.log.filter((e) => e.kind === 'actual');
  const simHops = [...(trace.redirects || []).map((h) => h.request), trace.request].filter(Boolean);
  const seen = actual.map((e) => `${e.method} ${e.target} Origin: ${e.origin ?? '(none)'}`);
  const predicted = simHops.map((q) => `${q.method} ${pathOf(q.url)} Origin: ${getHeader(q.headers, 'origin') ?? '(none)'}`);
  if (JSON.stringify(seen) !== JSON.stringify(predicted)) diff('actual_requests', seen, predicted);

  // 3. Author headers on each hop both sides agree was sent (names the browser does not own).
  // A FormData body's boundary is random in Chromium; it is compared as `boundary=…`.
  const names = sortedSet(headerPairs(spec.headers).map(([n]) => n.toLowerCase())).filter(
    (n) => !BROWSER_OWNED.has(n) && !n.startsWith('sec-') && !n.startsWith('proxy-'),
  );
  const boundary = (v) => (v === null ? v : v.replace(/boundary=[^;,\s]*/gi, 'boundary=…'));
  for (let i = 0; i < Math.min(actual.length, simHops.length); i++) {
    for (const name of names) {
      // On the wire a value has no leading or trailing whitespace (the server trims OWS).
      const wire = boundary(getHeader(actual[i].headers, name));
      const simRaw = getHeader(simHops[i].headers, name);
      const sim = boundary(simRaw === null ? null : simRaw.trim());
      // Engines add headers of their own when the script's did not survive (Chromium's
      // Accept `*/*` and, for no-cors loads, Accept-Language; Firefox's `Priority: u=4`):
      // then the wire must not carry the script's value.
      if ((engine.ownHeaders ?? ['accept', 'accept-language']).includes(name) && sim === null && wire !== null) {
        const authored = headerPairs(spec.headers).filter(([n]) => n.toLowerCase() === name).map(([, v]) => v.trim());
        if (!authored.some((v) => v && wire.includes(v))) continue;
      }
      if (wire !== sim) diff(`request_header.${name}${i ? ` (hop ${i})` : ''}`, wire, sim);
    }
  }

  // 4. Outcome and what script saw.
  const browserAllowed = r.settled === 'resolved' || r.settled === 'load';
  const simAllowed = trace.outcome === 'allowed';
  if (!['resolved', 'load', 'rejected', 'error', 'threw'].includes(r.settled)) {
    diff('js.settled', r.settled, trace.outcome);
  } else if (browserAllowed !== simAllowed) {
    diff('outcome', browserAllowed ? 'allowed' : 'blocked', trace.outcome);
  }
  const js = trace.js || {};
  if (r.settled === 'resolved') {
    if (r.type !== js.response_type) diff('js.response_type', r.type, js.response_type);
    if (r.status !== js.status) diff('js.status', r.status, js.status);
  } else if (r.settled === 'load') {
    if (r.status !== js.status) diff('js.status', r.status, js.status);
  } else if (r.settled === 'rejected' || r.settled === 'threw') {
    if (r.error !== js.error) diff('js.error', r.error, js.error);
  } else if (r.settled === 'error') {
    // Async XHR: an `error` event with status 0; no text exists to compare with the
    // trace's js.error (a description for XHR), only that there is one.
    if (js.error == null || js.status !== 0) diff('js.error', 'XHR error event, status 0', js.error);
  }
  if (browserAllowed && simAllowed) {
    const a = sortedSet(r.headers || []);
    const b = sortedSet((trace.readable_headers || []).map((h) => h.toLowerCase()));
    if (JSON.stringify(a) !== JSON.stringify(b)) diff('readable_headers', a, b);
  }

  // 5. Console lines.
  const lines = [];
  for (const c of obs.console) {
    const kind = noiseKind(engine.noise, c.text);
    if (kind) notes.push(`console (${kind}): ${c.text}`);
    else lines.push(c.text);
  }
  // What the engine's console capture can show of a predicted line.
  const shown = (l) => (engine.consoleEndsAtNul && typeof l === 'string' ? l.split('\u0000')[0] : l);
  const blocked = trace.blocked;
  const invalidRequest = blocked && blocked.reason === 'invalid_request';
  if (invalidRequest) {
    // The API threw. The first pass catches the exception (its text is js.error above), so
    // Chromium prints nothing then; the second pass runs the request again uncaught and
    // records the "Uncaught …" line Chromium prints for it.
    if (lines.length) diff('console_lines', lines, []);
    if (obs.uncaught) {
      // The second pass prints the request's notices again (WebKit's "Refused to set unsafe
      // header" comes before the exception): they are notes here too.
      const uncaught = obs.uncaught.filter((l) => !noiseKind(engine.noise, l));
      const expect = (l) => shown(engine.uncaughtPrefixDropped ? withoutUncaughtPrefix(l) : l);
      const first = uncaught[0] ?? null;
      if (first !== expect(blocked.console)) diff('console', first, expect(blocked.console));
      const lines = blocked.console_lines.map(expect);
      if (JSON.stringify(uncaught) !== JSON.stringify(lines)) diff('console_lines', uncaught, lines);
    }
  } else if (blocked) {
    // The main line is the CORS line; when Chromium prints none (a refused redirect), it is
    // the first line it prints.
    const corsLine = lines.find((l) => !l.startsWith('Failed to load resource:')) ?? lines[0] ?? null;
    // Where the trace lists alternatives (Chrome naming one of several disallowed headers,
    // an order cors-sim cannot predict), any of them is the browser's line.
    // An empty console means the browser prints no line of its own for this failure.
    const accepted = [blocked.console || null, ...(blocked.alternatives || [])];
    const i = accepted.indexOf(corsLine);
    const chosen = i >= 0 ? accepted[i] : blocked.console;
    if (i < 0) diff('console', corsLine, accepted[0]);
    const expectedLines = blocked.console_lines.map((l) => (l === blocked.console ? chosen : l));
    if (JSON.stringify(lines) !== JSON.stringify(expectedLines)) {
      diff('console_lines', lines, expectedLines);
    }
  } else if (lines.length) {
    diff('console_lines', lines, []);
  }
  return { diffs, notes };
}

/** The trace of request k (0 = the scenario's request, then its sequence). */
export function traceOf(trace, k) {
  return k === 0 ? trace : trace.sequence?.[k - 1];
}
