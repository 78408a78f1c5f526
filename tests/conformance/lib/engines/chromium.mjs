// Chromium: one headless Chromium for the whole run (playwright-core, no browser download: it drives
// /usr/bin/chromium). Scenarios run in batches, one page load per batch, several requests in
// flight at once; every console message is kept with its arrival order so it can be
// attributed to a scenario (by the unique `/c/<n>/` path in its text, or else in its source
// URL) and to a request of that scenario's sequence (by the `__begin` marks).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const PATH_RE = /\/c\/(\d+)\//;

/**
 * The engine interface every driver in this directory has (see run.mjs):
 * `{ name, model, version, run(jobs, pageUrl, registry, opts), close() }`, where `run` returns
 * `{ results, console, uncaught, unattributed }`.
 */
export async function start({ env }) {
  const executablePath = env.CORS_SIM_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await launch(executablePath);
  return {
    name: 'Chromium',
    model: 'chrome',
    version: browser.version,
    networkError: 'TypeError: Failed to fetch',
    noise: CHROMIUM_NOISE,
    async run(jobs, pageUrl, registry, { batchSize, concurrency, onBatch, uncaughtJobs }) {
      const observed = await runJobs(browser.context, pageUrl, jobs, registry, { batchSize, concurrency, onBatch });
      const uncaught = await runUncaught(browser.context, pageUrl, uncaughtJobs(observed.results));
      return { ...observed, uncaught };
    },
    close: () => browser.close(),
  };
}

/** Console lines Chromium prints that are not part of any CORS failure; kept as notes. */
const CHROMIUM_NOISE = [
  // A response that passed the CORS check but has a 4xx/5xx status.
  { kind: 'status-line-on-allowed', re: /^Failed to load resource: the server responded with a status of \d+/ },
  // XMLHttpRequest.setRequestHeader with a forbidden name (not attributable by URL anyway).
  { kind: 'xhr-refused-unsafe-header', re: /^Refused to set unsafe header / },
];

async function launch(executablePath) {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'cors-sim-conformance-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const version = await browserVersion(context);
  return {
    context,
    version,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The full version of the running browser (the user agent string is reduced to 156.0.0.0). */
async function browserVersion(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const { product } = await cdp.send('Browser.getVersion');
  await cdp.detach();
  const m = /\/([\d.]+)$/.exec(product);
  return m ? m[1] : product;
}

/**
 * Runs all jobs. `jobs`: [{ n, requests: [...] }]. Returns
 * { results: Map n → [per-request result], console: Map n → [{ seq, type, text, url }],
 *   unattributed: [...] }.
 */
async function runJobs(context, pageUrl, jobs, registry, { batchSize = 100, concurrency = 6, onBatch } = {}) {
  const results = new Map();
  const consoleByN = new Map();
  const unattributed = [];
  // Which request of scenario n is running: set by the page through __begin.
  const currentSeq = new Map();
  const page = await context.newPage();
  await page.exposeBinding('__begin', (_src, n, k) => {
    currentSeq.set(n, k);
    registry.begin(n, k);
  });
  page.on('console', (msg) => {
    const text = msg.text();
    const url = msg.location()?.url ?? '';
    const m = PATH_RE.exec(text) || PATH_RE.exec(url);
    const entry = { type: msg.type(), text, url };
    if (!m) {
      unattributed.push(entry);
      return;
    }
    const n = Number(m[1]);
    entry.seq = currentSeq.get(n) ?? 0;
    if (!consoleByN.has(n)) consoleByN.set(n, []);
    consoleByN.get(n).push(entry);
  });
  page.on('pageerror', (e) => unattributed.push({ type: 'pageerror', text: String(e), url: '' }));
  for (let i = 0; i < jobs.length; i += batchSize) {
    const batch = jobs.slice(i, i + batchSize);
    // Always the bare origin URL: Chromium names the document URL in some console lines
    // ("Unsafe attempt to load URL … from frame with URL …"), and a scenario knows only the
    // page's origin, so the document is `<origin>/`.
    await page.goto(pageUrl, { waitUntil: 'load' });
    const out = await page.evaluate(([b, c]) => window.runBatch(b, c), [batch, concurrency]);
    for (const r of out) results.set(r.n, r.results);
    // Console messages travel separately from the evaluate() answer: give stragglers time.
    await page.waitForTimeout(300);
    onBatch?.(Math.min(i + batchSize, jobs.length), jobs.length);
  }
  await page.close();
  return { results, console: consoleByN, unattributed };
}

/**
 * Runs requests the API refused (it threw, or fetch rejected before sending) once more
 * without catching, one at a time, and returns Map n → the uncaught-exception console line as
 * DevTools prints it: `Uncaught[ (in promise)] <Error>: <message>` (the stack left out).
 */
async function runUncaught(context, pageUrl, jobs) {
  const out = new Map();
  if (!jobs.length) return out;
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Runtime.enable');
  let current = null;
  cdp.on('Runtime.exceptionThrown', ({ exceptionDetails: d }) => {
    if (current === null) return;
    const description = (d.exception?.description ?? '').replace(/(\n\s+at [^\n]*)+$/, '');
    if (!out.has(current)) out.set(current, []);
    out.get(current).push(`${d.text} ${description}`);
  });
  await page.goto(pageUrl, { waitUntil: 'load' });
  for (const job of jobs) {
    current = job.n;
    await page.evaluate((r) => window.runUncaught(r), job.request);
  }
  current = null;
  await cdp.detach();
  await page.close();
  return out;
}
