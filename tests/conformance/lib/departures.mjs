// Where a real engine does not do what the Fetch standard says. Two sources of "what the standard
// says": the fixture cases (browser-cases.json, from WPT and the spec: their `expected`) and
// the curated scenarios of scenarios/departures.json (their `spec`). Each difference is a
// place where the engine departs from the standard (or where the expectation is wrong).
// Informative: it never fails the run; docs/CONFORMANCE.md tabulates it.

import { getHeader } from './servers.mjs';

function sorted(a) {
  return [...new Set(a.map((x) => x.toLowerCase()))].sort();
}

/** Normalizes both shapes to { outcome, preflight_sent, acrm, acrh, readable_headers, final_headers }. */
function expectation(r, model) {
  if (r.spec) return r.spec;
  const e = r.expected;
  if (!e) return null;
  return {
    outcome: e.browser_outcomes?.[model] ?? e.outcome,
    preflight_sent: e.preflight_sent,
    acrm: e.preflight_request ? e.preflight_request['Access-Control-Request-Method'] ?? null : undefined,
    acrh: e.preflight_request ? e.preflight_request['Access-Control-Request-Headers'] ?? null : undefined,
    readable_headers: e.readable_headers,
  };
}

/** `model`: the engine's browser model (`chrome`, `firefox`, `safari`). */
export function fixtureDepartures(runnable, model) {
  const out = [];
  for (const r of runnable) {
    const e = expectation(r, model);
    if (!e || !r.observed) continue;
    // The scenario's request; for a sequence, its last request.
    const k = (r.scenario.sequence || []).length;
    const result = r.observed.results[k];
    if (!result) continue;
    const log = r.observed.server_log.filter((x) => x.seq === k);
    const add = (field, expected, browser) => out.push({ n: r.n, id: r.id, note: r.note, field, expected, browser });
    const allowed = result.settled === 'resolved' || result.settled === 'load';
    if (e.outcome && e.outcome !== (allowed ? 'allowed' : 'blocked')) add('outcome', e.outcome, allowed ? 'allowed' : 'blocked');
    const pf = log.filter((x) => x.kind === 'preflight');
    if (typeof e.preflight_sent === 'boolean' && e.preflight_sent !== pf.length > 0) {
      add('preflight_sent', e.preflight_sent, pf.length > 0);
    }
    const last = pf[pf.length - 1];
    if (last && e.acrm !== undefined && e.acrm !== last.acrm) add('Access-Control-Request-Method', e.acrm, last.acrm);
    if (last && e.acrh !== undefined && e.acrh !== last.acrh) add('Access-Control-Request-Headers', e.acrh, last.acrh);
    if (allowed && e.outcome === 'allowed' && Array.isArray(e.readable_headers)) {
      const a = sorted(e.readable_headers);
      const b = sorted(result.headers || []);
      if (JSON.stringify(a) !== JSON.stringify(b)) add('readable_headers', a, b);
    }
    if (e.final_headers) {
      const actual = log.filter((x) => x.kind === 'actual');
      const final = actual[actual.length - 1];
      for (const [name, want] of Object.entries(e.final_headers)) {
        const got = final ? getHeader(final.headers, name) : '(no request arrived)';
        if (got !== want) add(`final request header ${name}`, want, got);
      }
    }
  }
  return out;
}
