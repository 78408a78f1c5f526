// Runs in the harness page (http://localhost:A/). `runBatch(jobs, concurrency)` makes each
// job's requests with fetch() or XMLHttpRequest exactly as the scenario says, and returns what
// script saw. `window.__begin(n, k)` tells the harness that request k of scenario n starts now
// (server log and console lines after it belong to k): in Chromium it is a Playwright binding;
// in a self-driving page (Firefox and WebKit) it is a request to the harness
// server followed by a console marker, because those engines' console lines reach the harness
// only as a stream (WebDriver BiDi events, MiniBrowser's stderr) and the marker is what splits
// that stream into scenarios.
'use strict';

const MARK = '__cors_sim';

function makeBody(body) {
  if (body == null) return undefined;
  if (typeof body === 'string') return body;
  switch (body.kind) {
    case 'string':
      return 'data';
    case 'urlsearchparams':
      return new URLSearchParams('a=1&b=2');
    case 'formdata': {
      const f = new FormData();
      f.append('a', '1');
      return f;
    }
    case 'blob':
      return new Blob(['data'], body.type != null ? { type: body.type } : {});
    case 'buffer':
      return new Uint8Array([100, 97, 116, 97]).buffer;
    default:
      throw new Error('harness: unsupported body kind ' + body.kind);
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** The fetch() options of a scenario request. */
function fetchInit(r) {
  const init = {
    method: r.method ?? 'GET',
    headers: r.headers ?? [],
    credentials: r.credentials ?? 'same-origin',
    mode: r.mode ?? 'cors',
  };
  const body = makeBody(r.body);
  if (body !== undefined) init.body = body;
  return init;
}

async function viaFetch(r) {
  const init = fetchInit(r);
  try {
    const res = await fetch(r.url, init);
    const names = [];
    for (const [name] of res.headers) names.push(name.toLowerCase());
    let bodyRead = true;
    try {
      await res.text();
    } catch (e) {
      bodyRead = String(e);
    }
    return { settled: 'resolved', type: res.type, status: res.status, headers: names, bodyRead };
  } catch (e) {
    return { settled: 'rejected', error: String(e) };
  }
}

function viaXhr(r) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    try {
      x.open(r.method ?? 'GET', r.url, true);
    } catch (e) {
      resolve({ settled: 'threw', error: String(e), at: 'open' });
      return;
    }
    if (r.credentials === 'include') x.withCredentials = true;
    for (const [name, value] of r.headers ?? []) {
      try {
        x.setRequestHeader(name, value);
      } catch (e) {
        resolve({ settled: 'threw', error: String(e), at: 'setRequestHeader' });
        return;
      }
    }
    if (r.upload_listeners) x.upload.addEventListener('progress', () => {});
    x.timeout = 15000;
    x.onload = () => {
      const names = x
        .getAllResponseHeaders()
        .split('\r\n')
        .filter((l) => l.includes(':'))
        .map((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase());
      resolve({ settled: 'load', status: x.status, headers: names });
    };
    x.onerror = () => resolve({ settled: 'error', status: x.status });
    x.ontimeout = () => resolve({ settled: 'timeout', status: x.status });
    try {
      x.send(makeBody(r.body) ?? null);
    } catch (e) {
      resolve({ settled: 'threw', error: String(e), at: 'send' });
    }
  });
}

async function runJob(job) {
  const out = [];
  const t0 = performance.now();
  for (let k = 0; k < job.requests.length; k++) {
    const r = job.requests[k];
    if (k > 0) {
      // Let the previous request's console lines arrive before the next one starts.
      await sleep(150);
      const wait = (r.at_seconds ?? 0) * 1000 - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
    }
    await window.__begin(job.n, k);
    const started = performance.now() - t0;
    let result;
    try {
      result = await (r.api === 'xhr' ? viaXhr(r) : viaFetch(r));
    } catch (e) {
      result = { settled: 'harness-error', error: String(e) };
    }
    result.started_ms = Math.round(started);
    out.push(result);
  }
  return { n: job.n, results: out };
}

window.runBatch = async function runBatch(jobs, concurrency) {
  const results = new Array(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await runJob(jobs[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
};

// Makes the request again without catching anything, so that Chromium reports the exception
// the API throws as an uncaught error (the console's "Uncaught …" line). Used only for
// requests the API refused in the first pass.
window.runUncaught = function runUncaught(r) {
  if (r.api === 'xhr') {
    setTimeout(() => {
      const x = new XMLHttpRequest();
      x.open(r.method ?? 'GET', r.url, true);
      if (r.credentials === 'include') x.withCredentials = true;
      for (const [name, value] of r.headers ?? []) x.setRequestHeader(name, value);
      x.send(makeBody(r.body) ?? null);
    }, 0);
  } else {
    fetch(r.url, fetchInit(r));
  }
  return new Promise((resolve) => setTimeout(resolve, 100));
};

// ---- Self-driving mode ----------------------------------------------------
// The page asks the harness server for work (`GET /__next`, answered when there is some),
// does it, and posts the results back (`POST /__done`). Work items:
//   { kind: 'batch', id, jobs, concurrency }   → runBatch, results posted back
//   { kind: 'uncaught', id, n, request }        → runUncaught after a marker
//   { kind: 'stop' }                            → the page logs the end marker and stops
function drivenBegin(n, k) {
  return fetch('/__begin?n=' + n + '&k=' + k, { cache: 'no-store' }).then(() => {
    console.log(MARK + ' begin ' + n + ' ' + k);
  });
}

async function drive() {
  window.__begin = drivenBegin;
  console.log(MARK + ' ready');
  for (;;) {
    let item;
    try {
      item = await (await fetch('/__next', { cache: 'no-store' })).json();
    } catch (e) {
      console.log(MARK + ' harness-error ' + e);
      return;
    }
    if (item.kind === 'stop') break;
    let results = null;
    if (item.kind === 'batch') {
      results = await window.runBatch(item.jobs, item.concurrency);
    } else if (item.kind === 'uncaught') {
      console.log(MARK + ' uncaught ' + item.n);
      await window.runUncaught(item.request);
    }
    // Let the last request's console lines arrive before the next item starts.
    await sleep(item.settle_ms ?? 50);
    await fetch('/__done?id=' + item.id, { method: 'POST', body: JSON.stringify(results), cache: 'no-store' });
  }
  console.log(MARK + ' stopped');
}

// The harness server says whether this page drives itself (it answers `/__mode` only while
// a self-driven engine runs), so the document's URL stays `<origin>/`: engines name it in
// some console lines (Firefox's "Content at <URL> may not load data from …").
window.addEventListener('load', () => {
  fetch('/__mode', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .then((mode) => {
      if (mode && mode.drive) drive();
    })
    .catch(() => {});
});
