// Seeded random scenarios (design.md §4.1 shape, browser chrome, custom server).
//
// Scenario i depends only on (seed, i), so CORS_SIM_COUNT=1000 starts with the same 500
// scenarios as CORS_SIM_COUNT=500. Origins are abstract here (the page is
// http://app.example; http://api.example is another host, http://app.example:8080 the same
// host on another port, http://cdn.example a third origin for redirects); rewrite.mjs maps
// them onto the local servers.
//
// The mix aims at the places where browsers and the standard are subtle: method
// normalization, the request-header safelist (values, 128-byte and 1,024-byte limits, Chrome's
// client hints, repeated names), forbidden headers, credentials, no-cors and same-origin
// modes, XHR, every shape of Access-Control-Allow-Origin/-Credentials/-Methods/-Headers/
// -Expose-Headers, preflight statuses and redirects, redirects of the actual request, and
// short sequences that exercise the preflight cache.

export const PAGE = 'http://app.example';
export const CROSS = 'http://api.example';
export const SAME_HOST = 'http://app.example:8080';
export const THIRD = 'http://cdn.example';

function splitmix32(a) {
  return () => {
    a |= 0;
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return (t >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed, i) {
    const mix = splitmix32((seed * 1000003) ^ (i * 7919) ^ 0x5bd1e995);
    mix();
    this.next = mix;
  }
  chance(p) {
    return this.next() < p;
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(a) {
    return a[Math.floor(this.next() * a.length)];
  }
  /** pairs: [[weight, value], …]; a function value is called. */
  weighted(pairs) {
    const total = pairs.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, v] of pairs) {
      x -= w;
      if (x < 0) return typeof v === 'function' ? v() : v;
    }
    const v = pairs[pairs.length - 1][1];
    return typeof v === 'function' ? v() : v;
  }
}

const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const normalize = (m) => (NORMALIZED.includes(m.toUpperCase()) ? m.toUpperCase() : m);

const SAFE_VALID = [
  ['Accept', 'application/json'], ['Accept', '*/*'], ['Accept', 'text/html, */*;q=0.8'], ['Accept', 'café'],
  ['Accept', 'a\tb'], ['Accept-Language', 'en-US,en;q=0.9'], ['Accept-Language', 'fr'],
  ['Content-Language', 'de'], ['Content-Language', 'en-US, fr'], ['Content-Type', 'text/plain'],
  ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Type', 'multipart/form-data; boundary=xyz'],
  ['Content-Type', 'text/plain;charset=UTF-8'], ['Content-Type', 'Text/Plain;charset=utf-8'], ['Content-Type', 'text/plain;'],
  ['Content-Type', 'text/plain;garbage'], ['Content-Type', 'TEXT/PLAIN'], ['Content-Type', 'multipart/form-data'],
  ['Range', 'bytes=0-10'], ['Range', 'bytes=200-'], ['Range', 'bytes=0-'],
  ['DPR', '2'], ['Width', '1024'], ['Viewport-Width', '800'], ['Device-Memory', '8'], ['Save-Data', 'on'],
  ['RTT', '50'], ['Downlink', '10'], ['ECT', '4g'],
];
const SAFE_INVALID = [
  ['Accept', 'a"b'], ['Accept', '{json}'], ['Accept', 'text/html(1)'], ['Accept', 'x@y'], ['Accept', 'a:b'],
  ['Accept-Language', 'en_US'], ['Accept-Language', '"fr"'], ['Accept-Language', 'de/ch'],
  ['Content-Language', 'x/y'], ['Content-Language', 'en:us'],
  ['Content-Type', 'application/json'], ['Content-Type', 'text/html'], ['Content-Type', 'text/plain, application/json'],
  ['Content-Type', 'text/plain; charset="utf-8"'], ['Content-Type', ''], ['Content-Type', 'text/plain;charset=utf-8;x=(y)'],
  ['Content-Type', 'application/xml'], ['Content-Type', 'text/plain\u007f'], ['Content-Type', 'text/plain ; charset=utf-8'],
  ['Range', 'bytes=-200'], ['Range', 'bytes=100-200,300-400'], ['Range', 'bytes = 0-10'], ['Range', 'Bytes=0-10'],
  ['Range', 'bytes=200-100'], ['Range', 'items=0-1'],
  ['DPR', 'abc'], ['Width', '-1'], ['Save-Data', 'off'], ['Device-Memory', '0.5'], ['Viewport-Width', '1e3'],
  ['ECT', 'fast'], ['RTT', '1.5'], ['Downlink', 'x'],
];
const UNSAFE = [
  ['X-Custom', '1'], ['X-Requested-With', 'XMLHttpRequest'], ['x-api-key', 'k123'], ['X-Amz-Date', '20260101T000000Z'],
  ['Cache-Control', 'no-cache'], ['If-None-Match', '"abc"'], ['Authorization', 'Bearer token'],
  ['Content-Encoding', 'gzip'], ['Pragma', 'no-cache'], ['X-Empty', ''], ['x-CUSTOM-Case', 'v'],
  ['Upgrade-Insecure-Requests', '1'], ['Priority', 'u=1'], ['If-Modified-Since', 'Mon, 01 Jan 2024 00:00:00 GMT'],
  ['X-Forwarded-For', '1.2.3.4'], ['X-Padded', '  spaced  '], ['Intervention', 'x'],
];
const FORBIDDEN = [
  ['Cookie', 'a=1'], ['Origin', 'http://evil.example'], ['Referer', 'http://x.example/'], ['Sec-Custom', '1'],
  ['Proxy-Authorization', 'x'], ['Host', 'example.com'], ['Content-Length', '5'], ['Connection', 'close'],
  ['X-HTTP-Method-Override', 'TRACE'], ['X-HTTP-Method-Override', 'PUT'], ['X-Method-Override', 'get, connect'],
  ['DNT', '1'], ['Accept-Encoding', 'br'], ['Keep-Alive', '300'], ['Date', 'x'], ['Access-Control-Request-Method', 'PUT'],
];
const INVALID = [['Bad Name', 'x'], ['X-Bad', 'a\nb'], ['X(Paren)', '1'], ['X-Nul', 'a\u0000b']];

function longHeader(rng) {
  const k = rng.pick([127, 128, 129]);
  return rng.weighted([
    [3, ['Accept', 'a'.repeat(k)]],
    [2, ['Accept-Language', 'a'.repeat(k)]],
    [2, ['Content-Language', 'a'.repeat(k)]],
    [2, ['Content-Type', ('text/plain;a=' + 'b'.repeat(200)).slice(0, k)]],
    [1, ['X-Long', 'v'.repeat(200)]],
    // 127 ASCII + é: 128 bytes as Chromium sends it (Latin-1), 129 in UTF-8.
    [1, ['Accept', 'a'.repeat(127) + 'é']],
    [1, ['DPR', '0'.repeat(k - 1) + '1']],
  ]);
}

function repeated(rng) {
  return rng.weighted([
    [2, [['Accept', 'text/html'], ['Accept', 'application/json']]],
    [2, [['Accept', 'a'.repeat(64)], ['Accept', 'b'.repeat(64)]]],
    [2, [['X-Dup', 'a'], ['X-Dup', 'b']]],
    [2, [['Content-Type', 'text/plain'], ['Content-Type', 'text/plain']]],
    [1, [['Accept-Language', 'en'], ['Accept-Language', 'fr']]],
    [1, [['Range', 'bytes=0-1'], ['Range', 'bytes=2-3']]],
    [1, [['x-dup', 'a'], ['X-DUP', 'b']]],
  ]);
}

/** Safelisted values whose lengths add up to about `total` bytes. */
function bulk(rng) {
  const total = rng.pick([1000, 1023, 1024, 1025, 1050, 1024, 1025]);
  const names = ['Accept', 'Accept-Language', 'Content-Language', 'DPR', 'Width', 'Viewport-Width', 'Device-Memory', 'RTT', 'Downlink'];
  const out = [];
  let left = total;
  for (const name of names) {
    if (left <= 0) break;
    const len = Math.min(128, left);
    left -= len;
    const value = ['Accept', 'Accept-Language', 'Content-Language'].includes(name) ? 'a'.repeat(len) : '0'.repeat(len - 1) + '1';
    out.push([name, value]);
  }
  return out;
}

function genHeaders(rng) {
  const shape = rng.weighted([[25, 'none'], [62, 'some'], [5, 'bulk'], [8, 'repeat']]);
  if (shape === 'none') return [];
  if (shape === 'bulk') {
    const h = bulk(rng);
    if (rng.chance(0.3)) h.push(rng.pick(UNSAFE));
    return h;
  }
  const out = shape === 'repeat' ? repeated(rng) : [];
  const n = rng.weighted([[45, 1], [30, 2], [15, 3], [10, 4]]);
  for (let i = 0; i < n; i++) {
    let h = rng.weighted([
      [30, () => rng.pick(SAFE_VALID)],
      [22, () => rng.pick(SAFE_INVALID)],
      [28, () => rng.pick(UNSAFE)],
      [9, () => rng.pick(FORBIDDEN)],
      [8, () => longHeader(rng)],
      [1.5, () => rng.pick(INVALID)],
    ]);
    if (rng.chance(0.08)) h = [rng.chance(0.5) ? h[0].toUpperCase() : h[0].toLowerCase(), h[1]];
    if (!out.some(([name]) => name.toLowerCase() === h[0].toLowerCase()) || rng.chance(0.2)) out.push(h);
  }
  return out;
}

function genMethod(rng) {
  return rng.weighted([
    [28, 'GET'], [14, 'POST'], [6, 'HEAD'], [9, 'PUT'], [6, 'DELETE'], [4, 'OPTIONS'], [5, 'PATCH'], [4, 'patch'],
    [3, 'put'], [2, 'get'], [2, 'Post'], [1, 'delete'], [3, 'SUPER'], [1, 'M-SEARCH'], [0.5, 'CONNECT'],
    [0.5, 'TRACE'], [0.3, 'track'], [0.5, 'BAD METHOD'], [0.3, ''],
  ]);
}

function genAcao(rng, include) {
  const exact = include ? 55 : 38;
  const star = include ? 10 : 24;
  return rng.weighted([
    [exact, [PAGE]],
    [star, ['*']],
    [8, []],
    [4, ['http://evil.example']],
    [3, [PAGE + '/']],
    [2, [PAGE.toUpperCase()]],
    [2, ['null']],
    [2, [PAGE, PAGE]],
    [1, [PAGE, '*']],
    [2, [`${PAGE}, *`]],
    [1, [`${PAGE},${PAGE}`]],
    [1, [`${PAGE} http://evil.example`]],
    [2, ['']],
    [1, ['-']],
    [1, ['*.example']],
    [1, ['**']],
    [1, ['app.example']],
    [1, [`"${PAGE}"`]],
    [1, ['https://app.example']],
    [1, ['http://app.example:99999']],
    [1, [PAGE + '/path']],
    [1, ['http://app.example:80']],
    [1, [` ${PAGE}\t`]],
    [1, ['*', '*']],
    [1, [SAME_HOST]],
  ]);
}

function genAcac(rng, include) {
  return rng.weighted([
    [include ? 20 : 50, []],
    [include ? 60 : 30, ['true']],
    [4, ['True']],
    [2, ['TRUE']],
    [3, ['false']],
    [3, ['true', 'true']],
    [2, ['']],
    [2, [' true ']],
    [1, ['true, true']],
    [1, ['yes']],
  ]);
}

/** Lowercased names the request may need listed (a rough guess is enough: it only steers
 * the generator towards allow lists that fit). */
function wantedNames(headers) {
  const names = headers.map(([n]) => n.toLowerCase()).filter((n) => !FORBIDDEN.some(([f]) => f.toLowerCase() === n));
  return [...new Set(names)];
}

function genAcam(rng, method) {
  const m = method || 'GET';
  return rng.weighted([
    [25, []],
    [25, [m]],
    [10, [`GET, ${m}, DELETE`]],
    [12, ['*']],
    [5, [m.toLowerCase()]],
    [3, [m.toUpperCase()]],
    [6, ['GET, POST']],
    [3, ['']],
    [2, [`${m} GET`]],
    [1, [`${m}; GET`]],
    [1, ['PU(T']],
    [2, [`${m},,GET`]],
    [2, [`, ${m},`]],
    [2, [`*, ${m}`]],
    [2, [m, 'GET']],
  ]);
}

function genAcah(rng, names) {
  const list = names.length ? names : ['x-custom'];
  const partial = list.length > 1 ? list.slice(0, -1) : ['x-other'];
  return rng.weighted([
    [25, []],
    [25, [list.join(', ')]],
    [5, [list.map((n) => n.toUpperCase()).join(',')]],
    [12, ['*']],
    [8, [partial.join(', ')]],
    [2, ['Authorization']],
    [2, ['*, Authorization']],
    [2, [`${list.join(', ')}, header name`]],
    [2, [list.join(';')]],
    [4, [`,${list.join(',')},,`]],
    [3, ['']],
    [3, list.length > 1 ? list : [list[0], 'x-other']],
    [4, ['X-Custom']],
  ]);
}

function lines(name, values) {
  return values.map((v) => [name, v]);
}

function genPreflight(rng, request) {
  if (rng.chance(0.05)) return null; // no OPTIONS route: the custom server's 404
  const include = request.credentials === 'include';
  const status = rng.weighted([
    [60, 200], [18, 204], [1, 299], [1, 206], [2, 301], [2, 302], [1, 307], [1, 308],
    [2, 'redirect-no-location'], [2, 400], [2, 403], [3, 404], [2, 405], [2, 500], [1, 503],
  ]);
  const headers = [];
  if (rng.chance(0.3)) headers.push(['Content-Type', 'text/plain']);
  headers.push(...lines('Access-Control-Allow-Origin', genAcao(rng, include)));
  headers.push(...lines('Access-Control-Allow-Credentials', genAcac(rng, include)));
  headers.push(...lines('Access-Control-Allow-Methods', genAcam(rng, normalize(request.method))));
  headers.push(...lines('Access-Control-Allow-Headers', genAcah(rng, wantedNames(request.headers))));
  if (rng.chance(0.1)) headers.push(['Access-Control-Max-Age', rng.pick(['0', '600', '-1', 'abc', '86400'])]);
  if (rng.chance(0.1)) headers.push(['Vary', 'Origin']);
  let code = status;
  if (status === 'redirect-no-location') code = rng.pick([301, 302, 307]);
  else if (status >= 300 && status < 400) {
    headers.push(['Location', rng.pick([`${CROSS}/elsewhere`, '/moved', `${THIRD}/p`])]);
  }
  return { status: code, headers };
}

function genResponse(rng, request, { final = true } = {}) {
  const include = request.credentials === 'include';
  const headers = [];
  const status = rng.weighted([
    [70, 200], [3, 201], [5, 204], [2, 206], [6, 404], [4, 500], [2, 403], [1, 302], [1, 299], [1, 418],
  ]);
  if (rng.chance(0.6)) headers.push(['Content-Type', rng.pick(['text/plain', 'application/json', 'text/html; charset=utf-8'])]);
  headers.push(...lines('Access-Control-Allow-Origin', genAcao(rng, include)));
  headers.push(...lines('Access-Control-Allow-Credentials', genAcac(rng, include)));
  const extra = [
    [0.15, ['Cache-Control', 'no-cache']], [0.1, ['Content-Language', 'en']], [0.08, ['Expires', '0']],
    [0.05, ['Last-Modified', 'Mon, 01 Jan 2024 00:00:00 GMT']], [0.05, ['Pragma', 'no-cache']],
    [0.3, ['X-Custom', 'c']], [0.1, ['X-Other', 'o']], [0.15, ['ETag', '"v1"']], [0.08, ['Set-Cookie', 'a=1']],
    [0.15, ['Content-Length', '5']], [0.05, ['Server', 'test']], [0.03, ['Set-Cookie2', 'b=2']],
  ];
  for (const [p, h] of extra) if (rng.chance(p)) headers.push(h);
  if (rng.chance(0.05)) headers.push(['X-Dup', 'one'], ['X-Dup', 'two']);
  const aceh = rng.weighted([
    [40, []], [15, ['*']], [10, ['X-Custom']], [8, ['x-custom, etag']], [3, ['X-CUSTOM']],
    [2, ['x-custom,(bad)']], [2, ['X-Custom ETag']], [1, ['"x-custom"']], [3, [',x-custom,,']],
    [2, ['Set-Cookie']], [3, ['x-custom', 'etag']], [2, ['']], [2, ['*, x-custom']], [2, ['Content-Length']],
    [1, ['Access-Control-Allow-Origin']], [2, ['x-dup, x-other']], [1, ["'x-custom'"]],
  ]);
  headers.push(...lines('Access-Control-Expose-Headers', aceh));
  // Shuffle a little so the CORS headers are not always first.
  if (rng.chance(0.3)) headers.reverse();
  if (!final) return { status, headers };
  return { status, headers, body: 'hello' };
}

function genRedirects(rng, request) {
  const hops = [];
  const n = rng.chance(0.8) ? 1 : 2;
  const include = request.credentials === 'include';
  for (let i = 0; i < n; i++) {
    const status = rng.pick([301, 302, 303, 307, 308]);
    const where = rng.weighted([
      [4, `${CROSS}/hop${i + 1}?x=1`],
      [2, `/relative-hop${i + 1}`],
      [3, `${THIRD}/hop${i + 1}`],
      [2, `${SAME_HOST}/hop${i + 1}`],
      [2, `${PAGE}/back${i + 1}`],
      [0.4, `http://user:pass@api.example/cred${i + 1}`],
      [0.3, 'data:text/plain,hi'],
    ]);
    const headers = [['Location', where]];
    headers.push(...lines('Access-Control-Allow-Origin', rng.weighted([[5, [PAGE]], [4, ['*']], [2, []], [1, ['null']]])));
    headers.push(...lines('Access-Control-Allow-Credentials', genAcac(rng, include)));
    hops.push({ status, headers });
  }
  return hops;
}

function genBody(rng, method, api) {
  const m = method.toUpperCase();
  const bodiless = m === 'GET' || m === 'HEAD';
  if (bodiless && !rng.chance(api === 'fetch' ? 0.02 : 0.05)) return undefined;
  if (!bodiless && !rng.chance(0.45)) return undefined;
  return rng.weighted([
    [5, 'data'],
    [1, { kind: 'urlsearchparams' }],
    [1, { kind: 'formdata' }],
    [1, { kind: 'blob', type: 'application/json' }],
    [1, { kind: 'blob', type: 'text/plain' }],
    [1, { kind: 'blob' }],
    [1, { kind: 'buffer' }],
  ]);
}

function genRequest(rng) {
  const api = rng.chance(0.25) ? 'xhr' : 'fetch';
  const mode = api === 'fetch' ? rng.weighted([[90, 'cors'], [6, 'no-cors'], [4, 'same-origin']]) : 'cors';
  const credentials =
    api === 'fetch'
      ? rng.weighted([[25, 'omit'], [40, 'same-origin'], [35, 'include']])
      : rng.weighted([[55, 'same-origin'], [40, 'include'], [5, 'omit']]);
  const target = rng.weighted([[75, CROSS], [20, SAME_HOST], [5, PAGE]]);
  const path = rng.pick(['/api/data', '/x', '/r?q=1', '/a/b.json?x=1&y=%20z', '/upload', '/items/42']);
  let method = genMethod(rng);
  if (mode === 'no-cors' && rng.chance(0.7)) method = rng.pick(['GET', 'POST', 'HEAD', 'post']);
  const request = { origin: PAGE, url: target + path, method, headers: genHeaders(rng), credentials, mode, api };
  const body = genBody(rng, method, api);
  if (body !== undefined) request.body = body;
  if (api === 'xhr' && rng.chance(0.1)) request.upload_listeners = true;
  return request;
}

/** A second request against the same URL, to exercise the preflight cache. */
function genLater(rng, first) {
  const later = structuredClone(first);
  later.at_seconds = rng.pick([0, 0, 2]);
  rng.weighted([
    [12, () => {}],
    [3, () => later.headers.push(['X-Second', '1'])],
    [2, () => (later.method = 'DELETE')],
    [2, () => (later.credentials = 'include')],
    [2, () => later.headers.push(['Authorization', 'Bearer t'])],
    [1, () => (later.headers = [])],
  ]);
  return later;
}

function genSequenceScenario(rng) {
  const request = genRequest(rng);
  request.mode = 'cors';
  request.api = 'fetch';
  request.credentials = rng.pick(['omit', 'same-origin', 'include']);
  request.url = CROSS + '/cached';
  if (!request.headers.some(([n]) => n.toLowerCase().startsWith('x-'))) request.headers.push(['X-Custom', '1']);
  if (['GET', 'HEAD'].includes(request.method.toUpperCase())) delete request.body;
  const include = request.credentials === 'include';
  const names = wantedNames(request.headers);
  const preflight = {
    status: 204,
    headers: [
      ['Access-Control-Allow-Origin', include || rng.chance(0.5) ? PAGE : '*'],
      ...(include ? [['Access-Control-Allow-Credentials', 'true']] : []),
      ['Access-Control-Allow-Methods', rng.pick([normalize(request.method) || 'GET', '*', `${normalize(request.method)}, DELETE`])],
      ['Access-Control-Allow-Headers', rng.pick([names.join(', '), '*', `${names.join(', ')}, x-second, authorization`])],
    ],
  };
  const maxAge = rng.pick([null, '0', '1', '10', '600', '-5', 'abc', '1.5', '7201']);
  if (maxAge !== null) preflight.headers.push(['Access-Control-Max-Age', maxAge]);
  const response = {
    status: 200,
    headers: [
      ['Access-Control-Allow-Origin', include ? PAGE : rng.pick([PAGE, '*'])],
      ...(include ? [['Access-Control-Allow-Credentials', 'true']] : []),
    ],
    body: 'hello',
  };
  return { browser: 'chrome', request, sequence: [genLater(rng, request)], server: { kind: 'custom', preflight, response } };
}

export function generateScenario(seed, i) {
  const rng = new Rng(seed, i);
  if (rng.chance(0.05)) return genSequenceScenario(rng);
  const request = genRequest(rng);
  const server = { kind: 'custom' };
  const preflight = genPreflight(rng, request);
  if (preflight) server.preflight = preflight;
  if (rng.chance(0.07)) server.redirects = genRedirects(rng, request);
  server.response = genResponse(rng, request);
  return { browser: 'chrome', request, server };
}

export function generateScenarios(seed, count) {
  return Array.from({ length: count }, (_, i) => generateScenario(seed, i));
}
