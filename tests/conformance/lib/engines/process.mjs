// Helpers shared by the drivers that start a browser as a child process.

import { spawn } from 'node:child_process';
import net from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Every browser and driver this run started: if the harness itself dies (an exception, a
// signal), they must not outlive it.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});

/** Ends `child` when the harness exits, if it is still running then. */
export function killOnExit(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
}

/**
 * Starts a child process and keeps the last lines of its output, so that a browser that fails
 * to start can say why. `onLine` sees every output line.
 */
export function startProcess(command, args, { env, onLine, name }) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const tail = [];
  let exited = null;
  const feed = (stream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop();
      for (const line of parts) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLine?.(line);
      }
    });
  };
  feed(child.stdout);
  feed(child.stderr);
  const started = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new Error(`${name}: cannot start ${command}: ${e.message}`)));
  });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  return {
    child,
    started,
    /** Why the process is gone (or its recent output), for an error message. */
    diagnosis: () =>
      `${exited ? `${name} exited (${exited.signal ?? `code ${exited.code}`}). ` : ''}last output:\n    ${tail.slice(-15).join('\n    ') || '(none)'}`,
    exited: () => exited,
    kill: () => {
      if (!exited) child.kill('SIGTERM');
    },
  };
}

/** Runs a command and returns its trimmed stdout (or null when it cannot run). */
export function commandOutput(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', () => resolve(null));
    child.on('close', () => resolve(out.trim()));
  });
}
