// Runs `cors-sim simulate -` (the CLI built from this worktree, feature `cli`) on each
// rewritten scenario, a few processes at a time.

import { spawn } from 'node:child_process';

function simulateOne(bin, scenario) {
  return new Promise((resolve) => {
    const child = spawn(bin, ['simulate', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => resolve({ error: `cannot run ${bin}: ${e.message}` }));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code !== 0) {
        resolve({ error: `cors-sim simulate exited ${code}: ${stderr}` });
        return;
      }
      try {
        resolve({ trace: JSON.parse(stdout) });
      } catch (e) {
        resolve({ error: `cors-sim simulate printed no JSON: ${e.message}` });
      }
    });
    child.stdin.end(JSON.stringify(scenario));
  });
}

/** Simulates every scenario; returns results in the same order. */
export async function simulateAll(bin, scenarios, concurrency = 2) {
  const results = new Array(scenarios.length);
  let next = 0;
  async function worker() {
    while (next < scenarios.length) {
      const i = next++;
      results[i] = await simulateOne(bin, scenarios[i]);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
