// Where Chromium does not do what a fixture case expects. The fixtures encode the Fetch
// standard and WPT, so each difference is a place where Chromium departs from the standard
// (or where the fixture is wrong). Informative: it never fails the run; docs/CONFORMANCE.md
// tabulates it.

function sorted(a) {
  return [...new Set(a.map((x) => x.toLowerCase()))].sort();
}

export function fixtureDepartures(runnable) {
  const out = [];
  for (const r of runnable) {
    const e = r.expected;
    if (!e || !r.chromium) continue;
    // The scenario's request; for a sequence (a cache-hit case), its last request.
    const k = (r.scenario.sequence || []).length;
    const result = r.chromium.results[k];
    if (!result) continue;
    const log = r.chromium.server_log.filter((x) => x.seq === k);
    const add = (field, expected, chromium) => out.push({ n: r.n, id: r.id, field, expected, chromium });
    const allowed = result.settled === 'resolved' || result.settled === 'load';
    const want = e.browser_outcomes?.chrome ?? e.outcome;
    if (want && want !== (allowed ? 'allowed' : 'blocked')) add('outcome', want, allowed ? 'allowed' : 'blocked');
    const pf = log.filter((x) => x.kind === 'preflight');
    if (typeof e.preflight_sent === 'boolean' && e.preflight_sent !== pf.length > 0) {
      add('preflight_sent', e.preflight_sent, pf.length > 0);
    }
    if (e.preflight_request && pf.length) {
      const acrm = e.preflight_request['Access-Control-Request-Method'] ?? null;
      const acrh = e.preflight_request['Access-Control-Request-Headers'] ?? null;
      if (acrm !== pf[0].acrm) add('Access-Control-Request-Method', acrm, pf[0].acrm);
      if (acrh !== pf[0].acrh) add('Access-Control-Request-Headers', acrh, pf[0].acrh);
    }
    if (allowed && want === 'allowed' && Array.isArray(e.readable_headers)) {
      const a = sorted(e.readable_headers);
      const b = sorted(result.headers || []);
      if (JSON.stringify(a) !== JSON.stringify(b)) add('readable_headers', a, b);
    }
  }
  return out;
}
