#!/usr/bin/env node
// Differential conformance suite: each of cors-sim's browser models against the real engine it
// models: `chrome` against headless Chromium, `firefox` against Firefox ESR, `safari` against
// WebKitGTK (Safari's engine).
//
//   node --experimental-websocket tests/conformance/run.mjs
//                                    (or tests/conformance/run.sh, which also runs npm ci and
//                                    builds the CLI)
//
// By default it runs every case of shared/fixtures/browser-cases.json, the curated scenarios
// of scenarios/*.json and the seeded generated ones, in every engine. Environment:
//   CORS_SIM_ENGINES=chromium,firefox,webkit   the engines, in this order (the default: all)
//   CORS_SIM_SEED=1 CORS_SIM_COUNT=500   the generated scenarios (seeded, reproducible)
//   CORS_SIM_SCENARIOS=file.json         run this JSON array of scenarios instead of the
//                                        fixtures, the curated files and the generator
//   CORS_SIM_FIXTURES=path               browser-cases.json (default ../shared/fixtures/…)
//   CORS_SIM_BIN=path                    the cors-sim binary (default $CARGO_TARGET_DIR or
//                                        target/, debug/cors-sim)
//   CORS_SIM_CHROMIUM=/usr/bin/chromium  the browsers (and CORS_SIM_FIREFOX=/usr/bin/firefox-esr,
//                                        CORS_SIM_GECKODRIVER=geckodriver, CORS_SIM_MINIBROWSER=
//                                        /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser)
//   CORS_SIM_PORT_BASE=47801             four consecutive ports (0 = any free ports)
//   CORS_SIM_REPORT=dir                  where to write the JSON reports, one per engine
//                                        (default $CARGO_TARGET_DIR/conformance/<engine>.json)
//   CORS_SIM_ONLY=12,40                  run only these scenario numbers (after building the list)
//   CORS_SIM_VERBOSE=1                   print every scenario's result
//   CORS_SIM_DUMP=1                      put every scenario (not only failures) in the report

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry, startServer } from './lib/servers.mjs';
import { json } from './lib/driven.mjs';
import { rewriteScenario } from './lib/rewrite.mjs';
import { fixtureScenarios } from './lib/fixtures.mjs';
import { generateScenarios } from './lib/generate.mjs';
import { simulateAll } from './lib/simulate.mjs';
import * as chromium from './lib/engines/chromium.mjs';
import * as firefox from './lib/engines/firefox.mjs';
import * as webkit from './lib/engines/webkit.mjs';
import { compareRequest, traceOf } from './lib/compare.mjs';
import { fixtureDepartures } from './lib/departures.mjs';
import { classify } from './lib/classify.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const env = process.env;
const started = Date.now();
const log = (...a) => console.log(...a);

function targetDir() {
  return env.CARGO_TARGET_DIR ? path.resolve(env.CARGO_TARGET_DIR) : path.join(repo, 'target');
}

const ENGINES = { chromium, firefox, webkit };

/** Starts the four servers. `state.registry` is the current engine's registry and
 * `state.control` its self-driving page's control hook (both change per engine). */
async function startServers(state) {
  const registry = () => state.registry;
  // Chromium's page is driven by Playwright: it is told not to drive itself.
  const control = (req) =>
    state.control?.(req) ?? (req.target === '/__mode' ? json({ drive: false }) : { status: 404, headers: [['Content-Length', '0']], body: '' });
  const page = {
    html:
      '<!doctype html><html><head><meta charset="utf-8"><title>cors-sim conformance</title>' +
      '<link rel="icon" href="data:,"><script src="/runner.js"></script></head><body></body></html>',
    runner: readFileSync(path.join(here, 'lib', 'runner.js'), 'utf8'),
  };
  const base = Number(env.CORS_SIM_PORT_BASE ?? 47801);
  const names = ['A', 'B', 'C', 'D'];
  const tryStart = async (ports) => {
    const servers = [];
    try {
      for (let i = 0; i < 4; i++) {
        servers.push(
          await startServer({ name: names[i], port: ports[i], registry, page: i === 0 ? page : null, control: i === 0 ? control : null }),
        );
      }
      return servers;
    } catch (e) {
      await Promise.all(servers.map((s) => s.close()));
      if (e.code !== 'EADDRINUSE') throw e;
      return null;
    }
  };
  let servers = base ? await tryStart([base, base + 1, base + 2, base + 3]) : null;
  if (!servers) {
    if (base) log(`conformance: ports ${base}-${base + 3} are busy; using free ports (scenario URLs will differ from a default run)`);
    servers = await tryStart([0, 0, 0, 0]);
  }
  const [A, B, C, D] = servers.map((s) => s.port);
  const local = {
    A: `http://localhost:${A}`,
    B: `http://127.0.0.1:${B}`,
    C: `http://localhost:${C}`,
    D: `http://127.0.0.1:${D}`,
  };
  return { servers, local };
}

/** A scenario file: a JSON array of scenarios, or of { id, note, spec, scenario }. */
function loadFile(file, prefix) {
  const list = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(list)) throw new Error(`${file}: expected a JSON array of scenarios`);
  return list.map((item, i) =>
    item && item.scenario
      ? { id: `${prefix}:${item.id ?? i}`, scenario: item.scenario, spec: item.spec, note: item.note }
      : { id: `${prefix}:${i}`, scenario: item },
  );
}

function loadScenarios() {
  if (env.CORS_SIM_SCENARIOS) return loadFile(env.CORS_SIM_SCENARIOS, 'file');
  const fixturesPath = env.CORS_SIM_FIXTURES ?? path.resolve(repo, '..', 'shared', 'fixtures', 'browser-cases.json');
  const fixtures = existsSync(fixturesPath) ? fixtureScenarios(fixturesPath) : [];
  if (!fixtures.length) log(`conformance: no fixtures at ${fixturesPath} (set CORS_SIM_FIXTURES)`);
  const curatedDir = path.join(here, 'scenarios');
  const curated = readdirSync(curatedDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => loadFile(path.join(curatedDir, f), f.replace(/\.json$/, '')));
  const seed = Number(env.CORS_SIM_SEED ?? 1);
  const count = Number(env.CORS_SIM_COUNT ?? 500);
  const generated = generateScenarios(seed, count).map((scenario, i) => ({ id: `gen:${seed}:${i}`, scenario }));
  return [...fixtures, ...curated, ...generated];
}

const fmt = (v) => JSON.stringify(v);


const WARM_UP_BASE = 900000;

/**
 * A few preflighted requests, each made twice, before the scenarios, whose results are not
 * compared: a fresh Firefox profile was seen to miss its preflight cache for the first two
 * such sequences of a run (and only those: the same scenarios later in a run hit it), which
 * is about the browser starting up, not about CORS.
 */
function warmUp(registry, local) {
  const jobs = [];
  for (let i = 0; i < 3; i++) {
    const n = WARM_UP_BASE + i;
    const request = { url: `${local.B}/c/${n}/warm-up`, method: 'PUT', headers: [['X-Warm-Up', '1']], api: 'fetch' };
    registry.add(n, {
      preflight: {
        status: 204,
        headers: [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'x-warm-up'], ['Access-Control-Max-Age', '600']],
      },
      response: { status: 200, headers: [['Access-Control-Allow-Origin', '*'], ['Content-Length', '0']] },
    });
    jobs.push({ n, requests: [request, { ...request, at_seconds: 0.2 }] });
  }
  return jobs;
}

/**
 * Runs every scenario in one engine and compares it with the engine's model. Returns
 * { name, version, total, failures, report }.
 */
async function runEngine(key, all, ctx) {
  const { bin, local, state } = ctx;
  const t0 = Date.now();
  const registry = new Registry();
  state.registry = registry;
  let engine;
  try {
    engine = await ENGINES[key].start({ env, registry });
  } catch (e) {
    throw new Error(`conformance: ${key} cannot start, so it cannot be checked: ${e.message}`);
  }
  state.control = engine.control;
  const label = `${engine.name} ${engine.version}`;
  log(`\n==== conformance: ${label} (model \`${engine.model}\`) ====`);

  // Build, rewrite and register the scenarios.
  const only = env.CORS_SIM_ONLY ? new Set(env.CORS_SIM_ONLY.split(',').map(Number)) : null;
  const runnable = [];
  const skipped = [];
  all.forEach((item, n) => {
    if (only && !only.has(n)) return;
    if (item.skip) {
      skipped.push({ n, id: item.id, reason: item.skip });
      return;
    }
    const rw = rewriteScenario(item.scenario, n, local, engine.model);
    if (rw.skip) {
      skipped.push({ n, id: item.id, reason: rw.skip });
      return;
    }
    runnable.push({ n, id: item.id, abstract: item.scenario, scenario: rw.scenario, expected: item.expected, spec: item.spec, note: item.note });
    registry.add(n, rw.scenario.server);
  });
  if (env.CORS_SIM_VERBOSE) for (const s of skipped) log(`skip ${s.id}: ${s.reason}`);

  // What cors-sim predicts.
  const sims = await simulateAll(bin, runnable.map((r) => r.scenario), 2);
  runnable.forEach((r, i) => Object.assign(r, sims[i]));
  const simSeconds = (Date.now() - t0) / 1000;

  // What the engine does.
  const t1 = Date.now();
  const jobs = [
    ...warmUp(registry, local),
    ...runnable.map((r) => ({ n: r.n, requests: [r.scenario.request, ...(r.scenario.sequence || [])] })),
  ];
  // Requests the API refused (it threw, or fetch rejected before sending) run once more
  // without catching, to record the "Uncaught …" console line.
  const uncaughtJobs = (results) =>
    runnable
      .filter((r) => !(r.scenario.sequence || []).length)
      .filter((r) => {
        const x = results.get(r.n)?.[0];
        return x && (x.settled === 'threw' || (x.settled === 'rejected' && x.error !== engine.networkError));
      })
      .map((r) => ({ n: r.n, request: r.scenario.request }));
  let lastPrinted = 0;
  let observed;
  try {
    observed = await engine.run(jobs, `${local.A}/`, registry, {
      batchSize: Number(env.CORS_SIM_BATCH ?? 100),
      // Chromium's lines name their scenario; the others' are split by markers, one request
      // at a time (see lib/driven.mjs).
      concurrency: Number(env.CORS_SIM_PAGE_CONCURRENCY ?? (key === 'chromium' ? 6 : 1)),
      uncaughtJobs,
      onBatch: (done, total) => {
        if (done - lastPrinted >= 200 || done === total) {
          lastPrinted = done;
          log(`conformance: ${done}/${total} scenarios run in ${label}`);
        }
      },
    });
  } finally {
    await engine.close();
    state.control = null;
  }
  const browserSeconds = (Date.now() - t1) / 1000;

  // Compare.
  const failures = [];
  const notes = [];
  for (const r of runnable) {
    const results = observed.results.get(r.n) || [];
    const requests = [r.scenario.request, ...(r.scenario.sequence || [])];
    const problems = [];
    if (r.error) {
      problems.push({ k: 0, field: 'simulate', browser: results[0] ?? null, cors_sim: r.error });
    } else {
      requests.forEach((spec, k) => {
        const trace = traceOf(r.trace, k);
        if (!trace) {
          problems.push({ k, field: 'trace', browser: 'a request', cors_sim: 'no trace for it' });
          return;
        }
        const obs = {
          uncaught: k === 0 ? observed.uncaught.get(r.n) : undefined,
          result: results[k],
          log: registry.log(r.n).filter((e) => e.seq === k),
          console: (observed.console.get(r.n) || []).filter((c) => c.seq === k),
        };
        const { diffs, notes: ns } = compareRequest(spec, trace, obs, engine);
        for (const d of diffs) problems.push({ k, ...d });
        for (const x of ns) notes.push({ n: r.n, id: r.id, k, note: x });
      });
    }
    r.problems = problems;
    if (problems.length) r.kind = classify(r);
    r.observed = {
      results,
      server_log: registry.log(r.n),
      console: observed.console.get(r.n) || [],
      uncaught: observed.uncaught.get(r.n),
    };
    if (problems.length) failures.push(r);
    if (env.CORS_SIM_VERBOSE) log(`${problems.length ? 'FAIL' : 'ok  '} #${r.n} ${r.id}`);
  }

  // Print each disagreement with the scenario.
  const who = key.padEnd(8);
  for (const f of failures) {
    log('');
    log(`DISAGREE ${engine.name} #${f.n} ${f.id} [${f.kind}]`);
    for (const p of f.problems) {
      const which = p.k ? ` (sequence request ${p.k})` : '';
      log(`  ${p.field}${which}:`);
      log(`    ${who}: ${fmt(p.browser)}`);
      log(`    cors-sim: ${fmt(p.cors_sim)}`);
    }
    log(`  scenario (as run): ${JSON.stringify(f.scenario)}`);
  }
  // Console lines without a scenario: known notices are counted; anything else is suspicious.
  const notices = observed.unattributed.filter((u) => engine.noise.some((x) => x.re.test(u.text)));
  const strays = observed.unattributed.filter((u) => !notices.includes(u));
  if (notices.length) {
    log(`conformance: ${notices.length} ${engine.name} console notice(s) outside the trace contract (see docs/CONFORMANCE.md)`);
  }
  if (strays.length) {
    log('');
    log(`conformance: ${strays.length} ${engine.name} console message(s) not attributable to a scenario:`);
    for (const u of strays.slice(0, 20)) log(`  [${u.type}] ${u.text}${u.url ? ` (${u.url})` : ''}`);
  }
  if (registry.unrouted.length) {
    log(`conformance: ${registry.unrouted.length} request(s) outside any scenario, e.g. ${JSON.stringify(registry.unrouted[0])}`);
  }

  // What the run covered, by cors-sim's verdict (allowed, or the block reason).
  const coverage = {};
  for (const r of runnable) {
    const t = r.trace;
    const k = !t ? 'simulate-error' : t.blocked ? t.blocked.reason : 'allowed';
    coverage[k] = (coverage[k] || 0) + 1;
  }

  // Fixture expectations (the standard's, from WPT) that the engine does not meet: informative.
  const departures = fixtureDepartures(runnable, engine.model);
  const seconds = (Date.now() - t0) / 1000;
  const report = {
    engine: engine.name,
    version: engine.version,
    model: engine.model,
    seed: env.CORS_SIM_SCENARIOS ? null : Number(env.CORS_SIM_SEED ?? 1),
    count: env.CORS_SIM_SCENARIOS ? null : Number(env.CORS_SIM_COUNT ?? 500),
    scenarios_file: env.CORS_SIM_SCENARIOS ?? null,
    local_origins: local,
    total: runnable.length,
    agree: runnable.length - failures.length,
    skipped,
    seconds: { total: seconds, simulate: simSeconds, browser: browserSeconds },
    failures: failures.map((f) => ({
      n: f.n,
      id: f.id,
      kind: f.kind,
      problems: f.problems,
      scenario: f.scenario,
      abstract_scenario: f.abstract,
      observed: f.observed,
      trace: f.trace ? { ...f.trace, steps: undefined } : null,
    })),
    coverage,
    fixture_departures: departures,
    all: env.CORS_SIM_DUMP
      ? runnable.map((f) => ({ n: f.n, id: f.id, scenario: f.scenario, observed: f.observed, trace: f.trace ? { ...f.trace, steps: undefined } : null }))
      : undefined,
    notes,
    unattributed_console: observed.unattributed,
    unrouted_requests: registry.unrouted,
  };
  const reportDir = env.CORS_SIM_REPORT ?? path.join(targetDir(), 'conformance');
  mkdirSync(reportDir, { recursive: true });
  const reportPath = path.join(reportDir, `${key}.json`);
  writeFileSync(reportPath, JSON.stringify(report, null, 2));

  log('');
  if (departures.length) {
    log(`conformance: ${engine.name} departs from ${departures.length} expectation(s) of the standard (fixtures and scenarios/departures.json; informative):`);
    for (const d of departures) log(`  ${d.id}: ${d.field}: standard ${fmt(d.expected)}, ${engine.name} ${fmt(d.browser)}`);
  }
  if (failures.length) {
    const byKind = new Map();
    for (const f of failures) {
      if (!byKind.has(f.kind)) byKind.set(f.kind, []);
      byKind.get(f.kind).push(f);
    }
    log(`conformance: disagreements with ${engine.name} by kind (scenarios; the shortest example of each):`);
    for (const [kind, list] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
      const ex = list.reduce((a, b) => (JSON.stringify(b.scenario).length < JSON.stringify(a.scenario).length ? b : a));
      log(`  ${String(list.length).padStart(4)}  ${kind}  e.g. #${ex.n} ${ex.id}`);
    }
    const byField = new Map();
    for (const f of failures) {
      for (const field of new Set(f.problems.map((p) => p.field.replace(/ \(hop \d+\)$/, '')))) {
        byField.set(field, (byField.get(field) || 0) + 1);
      }
    }
    log(`conformance: disagreements with ${engine.name} by field (scenarios):`);
    for (const [field, count] of [...byField].sort((a, b) => b[1] - a[1])) log(`  ${String(count).padStart(4)}  ${field}`);
  }
  log(`conformance: verdicts covered: ${Object.entries(coverage).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  log(`conformance: report written to ${reportPath}`);
  log(
    `conformance: ${runnable.length} scenarios run in ${label}, ${skipped.length} skipped, in ${seconds.toFixed(1)} s ` +
      `(cors-sim ${simSeconds.toFixed(1)} s, browser ${browserSeconds.toFixed(1)} s)`,
  );
  const line = `conformance: ${runnable.length - failures.length}/${runnable.length} scenarios agree with ${label}`;
  log(line);
  return { failures: failures.length, line };
}

async function main() {
  const bin = env.CORS_SIM_BIN ?? path.join(targetDir(), 'debug', 'cors-sim');
  if (!existsSync(bin)) {
    console.error(`conformance: ${bin} not found; build it with: cargo build --features cli --bin cors-sim`);
    process.exit(2);
  }
  const keys = (env.CORS_SIM_ENGINES ?? 'chromium,firefox,webkit').split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of keys) {
    if (!ENGINES[k]) {
      console.error(`conformance: unknown engine ${JSON.stringify(k)} in CORS_SIM_ENGINES (known: ${Object.keys(ENGINES).join(', ')})`);
      process.exit(2);
    }
  }
  const state = { registry: null, control: null };
  const { servers, local } = await startServers(state);
  const all = loadScenarios();
  const summary = [];
  let failed = 0;
  try {
    for (const key of keys) {
      const r = await runEngine(key, all, { bin, local, state });
      summary.push(r.line);
      failed += r.failures;
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  log('');
  log(`conformance: ${((Date.now() - started) / 1000).toFixed(1)} s for ${keys.join(', ')}`);
  for (const l of summary) log(l);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(2);
});
