// Serving dist/ on 127.0.0.1 and launching /usr/bin/chromium, for the scripts that drive the
// built app (tests/e2e/e2e.mjs, tests/e2e/bench.mjs): a small static server on a free port, the
// system Chromium through playwright-core (no browser download).

import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The live app's verdict. The built page holds a snapshot of the first render (an inert copy,
 * src/web/prerender.rs) until the wasm starts, so waiting for a verdict alone would find the
 * snapshot's: the live app is the `#app` without `data-prerendered`.
 */
export const LIVE_VERDICT = '#app:not([data-prerendered]) [data-testid="verdict"]';

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROME_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run',
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS });
}

/** The Content-Type of each file kind `trunk build` writes. */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // compileStreaming (static/loader.js) needs exactly this type to compile while downloading.
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves `dist` on a free port; returns its base URL and a function that stops it.
 *
 * In this process, each file read when asked for, with keep-alive and the right Content-Type,
 * as a static host serves a site: the first-render benchmark measures the page, not a slow
 * server. The query string is ignored, and nothing outside `dist` is served.
 */
export async function serveDist(dist) {
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`${dist}/index.html is missing: run \`trunk build --release\` first`);
  }
  const root = path.resolve(dist);
  const server = http.createServer(async (req, res) => {
    let file;
    try {
      const { pathname } = new URL(req.url, 'http://localhost');
      file = path.resolve(root, '.' + decodeURIComponent(pathname));
      if (file !== root && !file.startsWith(root + path.sep)) throw new Error('outside dist');
      if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    } catch {
      res.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file)] || 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  // Port 0: the system picks a free port for this very socket, so no other process can take
  // it between a probe and the listen.
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/`,
    stop: () => { server.closeAllConnections(); server.close(); },
  };
}
