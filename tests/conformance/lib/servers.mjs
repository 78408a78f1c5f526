// Raw HTTP/1.1 servers on 127.0.0.1 that answer each scenario with its literal responses.
//
// Node's `http` module adds headers of its own (Date, Connection, Keep-Alive,
// Transfer-Encoding), and every extra header can change what script may read (for example under
// `Access-Control-Expose-Headers: *`). So the responses are written byte by byte on a `net`
// socket: the status line, then exactly the scenario's header lines in order (repeated names
// kept), then a body. A response without `Content-Length` is delimited by closing the
// connection, which needs no extra header.
//
// Routing: `/c/<n>/...` belongs to scenario n, on whichever of the servers it arrives (a
// redirect may move the request to another origin; it keeps the prefix). A preflight is an
// `OPTIONS` request that carries `Access-Control-Request-Method` (the same test as the
// simulator's custom server); every other request is an actual request and gets the scenario's
// redirect hops in order, then the final response.

import net from 'node:net';
import { STATUS_CODES } from 'node:http';

const MAX_HEAD = 64 * 1024;

/** Encodes a header line: Latin-1 when every code point fits (so Chrome reads the same
 * characters back), UTF-8 otherwise. */
function encodeText(s) {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u00ff]*$/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

function parseHead(text) {
  const lines = text.split('\r\n');
  const [method, target, version] = lines[0].split(' ');
  const headers = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    headers.push([line.slice(0, i), line.slice(i + 1).trim()]);
  }
  return { method, target, version, headers };
}

/** The value of header `name` in any of the header shapes (`headerPairs`), repeated lines
 * joined with `, `; null when absent. */
export function getHeader(headers, name) {
  const lower = name.toLowerCase();
  const values = headerPairs(headers)
    .filter(([n]) => n.toLowerCase() === lower)
    .map(([, v]) => v);
  return values.length ? values.join(', ') : null;
}

/**
 * The exact bytes of a literal response. Returns `{ bytes, framed }`: `framed` is true when
 * the message length is known without closing (no body by status or method, or a valid
 * Content-Length), so the connection may stay open for the next request.
 */
export function responseBytes(literal, requestMethod) {
  const status = literal.status;
  const reason = STATUS_CODES[status] || 'Status';
  const parts = [encodeText(`HTTP/1.1 ${status} ${reason}\r\n`)];
  for (const [name, value] of literal.headers || []) {
    parts.push(encodeText(`${name}: ${value}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  const noBody = requestMethod === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  const lengths = (literal.headers || [])
    .filter(([n]) => n.toLowerCase() === 'content-length')
    .map(([, v]) => String(v).trim());
  const text = literal.body ?? '';
  if (noBody) return { bytes: Buffer.concat(parts), framed: true };
  if (lengths.length && lengths.every((v) => /^\d+$/.test(v) && v === lengths[0])) {
    const n = Number(lengths[0]);
    const body = Buffer.alloc(n, 'x');
    Buffer.from(text, 'utf8').copy(body, 0, 0, n);
    parts.push(body);
    return { bytes: Buffer.concat(parts), framed: true };
  }
  parts.push(Buffer.from(text, 'utf8'));
  return { bytes: Buffer.concat(parts), framed: false };
}

/** Normalizes a custom server's literal response (headers as pairs or an object). */
export function literalOf(r) {
  if (!r) return null;
  return { status: r.status, headers: headerPairs(r.headers), body: r.body ?? null };
}

/** Header list in any of the scenario's shapes → `[name, value]` pairs in order. */
export function headerPairs(h) {
  if (!h) return [];
  if (Array.isArray(h)) return h.map(([n, v]) => [String(n), String(v)]);
  const out = [];
  for (const [n, v] of Object.entries(h)) {
    if (Array.isArray(v)) for (const x of v) out.push([n, String(x)]);
    else out.push([n, String(v)]);
  }
  return out;
}

/** What the simulator's custom server answers to a preflight when the scenario gives none. */
const NO_OPTIONS_ROUTE = { status: 404, headers: [], body: null };

export class Registry {
  constructor() {
    this.scenarios = new Map();
    this.unrouted = [];
  }

  /** Registers scenario n with its (rewritten) custom server. */
  add(n, server) {
    this.scenarios.set(n, {
      preflight: literalOf(server.preflight),
      redirects: (server.redirects || []).map(literalOf),
      response: literalOf(server.response),
      seq: 0,
      hop: 0,
      log: [],
    });
  }

  /** The page starts request k of scenario n: later log entries belong to it, and the
   * redirect hops start again from the first. */
  begin(n, k) {
    const s = this.scenarios.get(n);
    if (!s) return;
    s.seq = k;
    s.hop = 0;
  }

  log(n) {
    return this.scenarios.get(n)?.log ?? [];
  }

  /** Picks the answer for a request and records it. */
  answer(req, serverName) {
    const m = /^\/c\/(\d+)\//.exec(req.target);
    const s = m && this.scenarios.get(Number(m[1]));
    if (!s) {
      this.unrouted.push({ server: serverName, method: req.method, target: req.target });
      return { status: 404, headers: [], body: null };
    }
    const acrm = getHeader(req.headers, 'access-control-request-method');
    const isPreflight = req.method === 'OPTIONS' && acrm !== null;
    const entry = {
      seq: s.seq,
      server: serverName,
      kind: isPreflight ? 'preflight' : 'actual',
      method: req.method,
      target: req.target,
      headers: req.headers,
      origin: getHeader(req.headers, 'origin'),
    };
    if (isPreflight) {
      entry.acrm = acrm;
      entry.acrh = getHeader(req.headers, 'access-control-request-headers');
      s.log.push(entry);
      return s.preflight || NO_OPTIONS_ROUTE;
    }
    entry.hop = s.hop;
    s.log.push(entry);
    const r = s.hop < s.redirects.length ? s.redirects[s.hop] : s.response;
    s.hop += 1;
    return r;
  }
}

/**
 * Starts one server. `page` answers `/` and `/runner.js` (the harness page); `control`, when
 * given, answers the page's own `/__…` requests (a self-driving page asks it for work and posts
 * results back; it may answer with a promise). Every server answers `/c/<n>/…` from the
 * registry (`registry()` is asked on each request, so one run can use a fresh registry per
 * engine).
 */
export function startServer({ name, port, registry, page, control }) {
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let busy = false;
    const pump = () => {
      if (busy) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEAD) sock.destroy();
        return;
      }
      const req = parseHead(buf.subarray(0, end).toString('latin1'));
      const cl = Number(getHeader(req.headers, 'content-length') || 0);
      if (buf.length < end + 4 + cl) return; // wait for the body
      req.body = buf.subarray(end + 4, end + 4 + cl);
      buf = buf.subarray(end + 4 + cl);
      let literal;
      if (control && req.target.startsWith('/__')) {
        literal = control(req);
      } else if (page && (req.target === '/' || req.target.startsWith('/?'))) {
        literal = { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8']], body: page.html };
      } else if (page && req.target === '/runner.js') {
        literal = { status: 200, headers: [['Content-Type', 'text/javascript; charset=utf-8']], body: page.runner };
      } else {
        literal = registry().answer(req, name);
      }
      busy = true;
      Promise.resolve(literal).then((answer) => {
        const { bytes, framed } = responseBytes(answer, req.method);
        if (framed) {
          sock.write(bytes, () => {
            busy = false;
            pump();
          });
        } else {
          sock.end(bytes);
        }
      });
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      pump();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        name,
        port: server.address().port,
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
