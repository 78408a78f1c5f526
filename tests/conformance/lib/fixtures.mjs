// Maps each case of shared/fixtures/browser-cases.json to a custom-server scenario, the same
// way tests/browser_fixtures.rs does: the case's literal responses become the custom server,
// `redirect_responses` its hops, and a case with `setup` (a prior request whose preflight was
// cached) becomes a two-request sequence against the same server, both run for real.

import { readFileSync } from 'node:fs';
import { headerPairs } from './servers.mjs';

function literal(v) {
  return { status: v.status, headers: headerPairs(v.headers) };
}

/** Returns [{ id, scenario, expected, skip? }]. */
export function fixtureScenarios(path) {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  const out = [];
  for (const c of file.cases) {
    const request = structuredClone(c.request);
    // `sync` (synchronous XHR) is not part of the scenario contract, and `implicit_headers`
    // is what the body adds by itself: both dropped, as in tests/browser_fixtures.rs. The
    // harness makes every XHR asynchronous.
    delete request.sync;
    delete request.implicit_headers;
    request.headers = headerPairs(request.headers);
    // A response that must never be read: if Chromium does send the request, the harness
    // answers it and the comparison shows it.
    const response = c.response
      ? literal(c.response)
      : { status: 599, headers: [['X-Cors-Sim-Test', 'this response must never be read']] };
    const redirects = (c.redirect_responses || []).map(literal);
    const server = { kind: 'custom', redirects, response };
    let scenario;
    if (c.setup) {
      if (!/preflight succeeded/.test(c.setup.prior_request || '')) {
        out.push({ id: c.id, skip: `setup ${JSON.stringify(c.setup)} is not a prior request this harness can replay` });
        continue;
      }
      // "the same request was made seconds earlier and its preflight succeeded with
      // Access-Control-Max-Age: 12000, Access-Control-Allow-Methods: POST,
      // Access-Control-Allow-Headers: x-test-header, ACAO '*'": replay it for real.
      server.preflight = {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'POST'],
          ['Access-Control-Allow-Headers', 'x-test-header'],
          ['Access-Control-Max-Age', '12000'],
        ],
      };
      const later = { ...structuredClone(request), at_seconds: 1 };
      scenario = { browser: 'chrome', request, sequence: [later], server };
    } else {
      if (c.preflight_response) server.preflight = literal(c.preflight_response);
      scenario = { browser: 'chrome', request, server };
    }
    out.push({ id: `fixture:${c.id}`, scenario, expected: c.expected });
  }
  return out;
}
