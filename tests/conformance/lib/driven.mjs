// The harness side of a self-driving page (runner.js), for engines that cannot be
// scripted the way Playwright scripts Chromium: Firefox (geckodriver, WebDriver BiDi) and
// WebKitGTK (MiniBrowser, which has no automation that reports console messages).
//
// `Driver` answers the page's `/__…` requests on the page's server: `/__next` hands out the
// next work item (held open until there is one), `/__done` takes its results, `/__begin` marks
// the start of one request in the registry. `ConsoleStream` turns the engine's console, which
// arrives as one ordered stream, into lines per scenario and request, using the page's markers.

const MARK = /^__cors_sim (\w+)(?: (\d+))?(?: (\d+))?/;
const PATH_RE = /\/c\/(\d+)\//;

/** A JSON answer the page can read on a kept-alive connection. */
export function json(value) {
  const body = JSON.stringify(value ?? null);
  return {
    status: 200,
    headers: [
      ['Content-Type', 'application/json'],
      ['Cache-Control', 'no-store'],
      ['Content-Length', String(Buffer.byteLength(body, 'utf8'))],
    ],
    body,
  };
}

export class Driver {
  /** `registry`: the registry of the engine being run. */
  constructor(registry, engineName) {
    this.registry = registry;
    this.engineName = engineName;
    this.queue = [];
    this.waiters = [];
    this.pending = new Map();
    this.nextId = 1;
    this.asked = false;
  }

  /** The server's `control` hook. */
  control = (req) => {
    const u = new URL(req.target, 'http://harness');
    switch (u.pathname) {
      case '/__mode':
        return json({ drive: true });
      case '/__begin':
        this.registry.begin(Number(u.searchParams.get('n')), Number(u.searchParams.get('k')));
        return json({});
      case '/__next':
        this.asked = true;
        return this.take().then(json);
      case '/__done': {
        const id = Number(u.searchParams.get('id'));
        const p = this.pending.get(id);
        if (p) {
          this.pending.delete(id);
          clearTimeout(p.timer);
          try {
            p.resolve(JSON.parse(req.body.toString('utf8')));
          } catch (e) {
            p.reject(new Error(`${this.engineName}: unreadable results from the page: ${e.message}`));
          }
        }
        return json({});
      }
      default:
        return { status: 404, headers: [['Content-Length', '0']], body: '' };
    }
  };

  take() {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  put(item) {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.queue.push(item);
  }

  /**
   * Gives the page one work item and resolves with its results. Fails (never hangs) when the
   * page does not answer within `timeoutMs`: a browser that crashed or never loaded the page
   * must stop the run with a reason.
   */
  submit(item, timeoutMs) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const why = this.asked
          ? `the page did not finish work item ${id} (${item.kind}) within ${timeoutMs / 1000} s`
          : `the harness page never asked for work within ${timeoutMs / 1000} s (did the browser start and load it?)`;
        reject(new Error(`${this.engineName}: ${why}`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.put({ ...item, id });
    });
  }

  /** Tells the page to stop (it logs its end marker). */
  stop() {
    this.put({ kind: 'stop' });
  }
}

/**
 * Attributes console lines, which arrive in order, to scenarios. A line naming `/c/<n>/` in
 * its text belongs to scenario n (Firefox logs some lines after the promise has already
 * settled, so the URL is more reliable than the position); any other line belongs to the
 * request whose marker came last (WebKit's reason lines name no URL, and they always come
 * before the request settles; the page runs one request at a time).
 */
export class ConsoleStream {
  constructor() {
    this.byN = new Map();
    this.uncaught = new Map();
    this.unattributed = [];
    this.seqOf = new Map();
    this.current = null;
    this.stopped = false;
    this.onStop = null;
  }

  /** One console message: `{ type, text, url? }`. */
  push(entry) {
    const m = MARK.exec(entry.text);
    if (m) {
      const [, what, a, b] = m;
      if (what === 'begin') {
        this.seqOf.set(Number(a), Number(b));
        this.current = { n: Number(a), seq: Number(b) };
      } else if (what === 'uncaught') {
        this.current = { n: Number(a), uncaught: true };
      } else if (what === 'stopped') {
        this.current = null;
        this.stopped = true;
        this.onStop?.();
      } else if (what === 'harness-error') {
        this.unattributed.push(entry);
      } else {
        this.current = null;
      }
      return;
    }
    if (this.current?.uncaught) {
      const list = this.uncaught.get(this.current.n) ?? [];
      list.push(entry.text);
      this.uncaught.set(this.current.n, list);
      return;
    }
    const p = PATH_RE.exec(entry.text);
    let n;
    let seq;
    if (p) {
      n = Number(p[1]);
      seq = this.seqOf.get(n) ?? 0;
    } else if (this.current) {
      n = this.current.n;
      seq = this.current.seq;
    } else {
      this.unattributed.push(entry);
      return;
    }
    const list = this.byN.get(n) ?? [];
    list.push({ ...entry, seq });
    this.byN.set(n, list);
  }

  /** Resolves once the page's end marker has arrived (or after `ms`, whichever is first). */
  untilStopped(ms) {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.onStop = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

/**
 * Runs the jobs in a self-driving page, `batchSize` scenarios per work item, and then the
 * requests the API refused once more without catching (`uncaughtJobs(results)` picks them).
 * Returns the same shape as the Chromium driver.
 */
export async function runDriven(driver, stream, jobs, { batchSize, concurrency, onBatch, uncaughtJobs, timeoutMs = 120000 }) {
  const results = new Map();
  for (let i = 0; i < jobs.length; i += batchSize) {
    const batch = jobs.slice(i, i + batchSize);
    const out = await driver.submit({ kind: 'batch', jobs: batch, concurrency }, timeoutMs);
    for (const r of out) results.set(r.n, r.results);
    onBatch?.(Math.min(i + batchSize, jobs.length), jobs.length);
  }
  for (const job of uncaughtJobs(results)) {
    await driver.submit({ kind: 'uncaught', n: job.n, request: job.request, settle_ms: 150 }, timeoutMs);
  }
  driver.stop();
  await stream.untilStopped(5000);
  // Console lines travel separately from the page's requests: give stragglers time.
  await new Promise((r) => setTimeout(r, 300));
  return { results, console: stream.byN, uncaught: stream.uncaught, unattributed: stream.unattributed };
}
