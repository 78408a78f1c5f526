// Rewrites a scenario (design.md §4.1, custom server) onto the local servers.
//
// * The page origin becomes `http://localhost:A` (the harness page).
// * Every other origin the scenario names (its URL, the sequence's URLs, redirect Locations)
//   becomes a local origin: one on the page's host with another port → `http://localhost:C`;
//   one on another host → `http://127.0.0.1:B`, a second one → `http://127.0.0.1:D`.
// * Each URL gets the unique prefix `/c/<n>` before its own path and query, so the browser's
//   preflight cache and HTTP cache never mix scenarios and every server log line and console
//   line can be attributed.
// * Header values naming one of those origins (Access-Control-Allow-Origin, Location, …) are
//   rewritten the same way, keeping what makes them interesting: a trailing slash, another
//   scheme, upper case.
//
// The rewritten scenario is what both Chromium and `cors-sim simulate` see, so URLs and origins
// in console text can be compared byte for byte.

import { headerPairs } from './servers.mjs';

const BOUNDARY_AFTER = '(?=$|[/?#,\\s"\'<>;)\\]])';

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function keepCase(match, replacement) {
  return match === match.toUpperCase() && match !== match.toLowerCase()
    ? replacement.toUpperCase()
    : replacement;
}

/** Replaces abstract origins and hosts inside a header value. */
function makeValueRewriter(map) {
  // map: [{ abstract: URL-origin-string, local: origin-string }]
  const rules = [];
  for (const { abstract, local } of map) {
    const a = new URL(abstract);
    const l = new URL(local);
    // Whole origin first (scheme mapped too), then the bare host[:port] (another scheme, or
    // a value without a scheme, keeps its own scheme).
    rules.push({ re: new RegExp(escapeRe(a.origin) + BOUNDARY_AFTER, 'gi'), to: l.origin });
    rules.push({
      re: new RegExp('(^|//|[\\s,])' + escapeRe(a.host) + BOUNDARY_AFTER, 'gi'),
      to: l.host,
      prefixed: true,
    });
  }
  // Whole origins before bare hosts, longer before shorter.
  rules.sort((x, y) => (x.prefixed === y.prefixed ? y.re.source.length - x.re.source.length : x.prefixed ? 1 : -1));
  return (value) => {
    let v = String(value);
    // Mark replaced spans so a later, shorter rule cannot rewrite inside them.
    const done = [];
    for (const r of rules) {
      v = v.replace(r.re, (m, pre) => {
        const body = r.prefixed ? m.slice(pre.length) : m;
        done.push(keepCase(body, r.to));
        return (r.prefixed ? pre : '') + `\u0000${done.length - 1}\u0000`;
      });
    }
    // eslint-disable-next-line no-control-regex
    return v.replace(/\u0000(\d+)\u0000/g, (_, i) => done[Number(i)]);
  };
}

/**
 * Rewrites one scenario for the engine whose model is `model` (`chrome`, `firefox`, `safari`).
 * Returns `{ scenario }` or `{ skip: reason }`.
 * `local` = { A, B, C, D }: the local origins (`http://localhost:47801`, …).
 */
export function rewriteScenario(input, n, local, model = 'chrome') {
  const s = structuredClone(input);
  // Scenarios are engine-neutral: each engine runs them all against its own model.
  s.browser = model;
  const server = s.server || {};
  if (server.kind !== 'custom') {
    return { skip: `server kind ${server.kind}: only literal (custom) responses can be served locally` };
  }
  const requests = [s.request, ...(s.sequence || [])];
  const page = requests[0].origin;
  if (page == null || page === 'null') {
    return { skip: 'an opaque (null) page origin needs a sandboxed document; the harness page has a real origin' };
  }
  for (const r of requests.slice(1)) {
    if ((r.origin ?? page) !== page) return { skip: 'the sequence changes the page origin' };
  }
  let pageUrl;
  try {
    pageUrl = new URL(page);
  } catch {
    return { skip: `page origin ${page} does not parse` };
  }
  // Every origin the scenario names, in order of appearance.
  const named = [];
  const note = (u) => {
    try {
      const o = new URL(u).origin;
      if (o !== 'null' && !named.includes(o)) named.push(o);
    } catch {
      /* relative or invalid: handled later */
    }
  };
  for (const r of requests) note(r.url);
  const hops = [server.preflight, ...(server.redirects || []), server.response].filter(Boolean);
  for (const h of hops) {
    for (const [name, value] of headerPairs(h.headers)) {
      if (name.toLowerCase() === 'location') note(value);
    }
  }
  const map = [{ abstract: pageUrl.origin, local: local.A }];
  const otherHosts = [local.B, local.D];
  let sameHostUsed = false;
  for (const o of named) {
    if (o === pageUrl.origin) continue;
    const u = new URL(o);
    if (!/^https?:$/.test(u.protocol)) return { skip: `origin ${o}: only http(s) can be served locally` };
    if (u.hostname === pageUrl.hostname) {
      if (sameHostUsed) return { skip: 'more than one other origin on the page host' };
      sameHostUsed = true;
      map.push({ abstract: o, local: local.C });
    } else {
      const next = otherHosts.shift();
      if (!next) return { skip: 'more than two other hosts' };
      map.push({ abstract: o, local: next });
    }
  }
  const prefix = `/c/${n}`;
  const localOf = (origin) => map.find((m) => m.abstract === origin)?.local;
  const rewriteUrl = (u, base) => {
    const url = new URL(u, base);
    const target = localOf(url.origin);
    if (!target) return null;
    return target + prefix + url.pathname + url.search;
  };
  for (const r of requests) {
    const url = rewriteUrl(r.url);
    if (!url) return { skip: `URL ${r.url} cannot be mapped` };
    r.url = url;
    r.origin = local.A;
  }
  const rewriteValue = makeValueRewriter(map);
  const origQuery = new URL(requests[0].url).search.replace(/^\?/, '');
  const fixHeaders = (h, base) => {
    if (!h) return h;
    return {
      ...h,
      headers: headerPairs(h.headers).map(([name, value]) => {
        if (name.toLowerCase() === 'location') {
          const v = String(value).replace('<original query params>', origQuery);
          // Path-absolute: keep it relative, under the prefix. Path-relative: leave it, it
          // resolves under the prefix by itself.
          if (v.startsWith('/') && !v.startsWith('//')) return [name, prefix + v];
          if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v) && !v.startsWith('//')) return [name, v];
          let abs;
          try {
            abs = new URL(v, base);
          } catch {
            return [name, v];
          }
          if (!/^https?:$/.test(abs.protocol)) return [name, v];
          const mapped = localOf(abs.origin);
          if (!mapped) return [name, v];
          // Keep a user name and password: a redirect carrying them is a case of its own.
          const local = new URL(mapped);
          local.username = abs.username;
          local.password = abs.password;
          return [name, local.href.replace(/\/$/, '') + prefix + abs.pathname + abs.search];
        }
        return [name, rewriteValue(value)];
      }),
    };
  };
  // Relative Locations resolve against the abstract URL of the hop; the harness has the
  // same paths under the prefix, so resolving against the first request's URL is enough.
  const base = input.request.url;
  if (server.preflight) server.preflight = fixHeaders(server.preflight, base);
  if (server.redirects) server.redirects = server.redirects.map((h) => fixHeaders(h, base));
  server.response = fixHeaders(server.response, base);
  for (const r of requests) {
    if (r.headers) r.headers = headerPairs(r.headers).map(([name, value]) => [name, rewriteValue(value)]);
  }
  return { scenario: s, map };
}
