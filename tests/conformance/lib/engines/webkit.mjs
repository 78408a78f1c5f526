// WebKitGTK (Debian `libwebkit2gtk-4.1-0`), Safari's engine: its `MiniBrowser` under Xvfb. The
// page drives itself (runner.js). With
// `--enable-write-console-messages-to-stdout=true` every console message is written to the
// browser's output as `[<url>:<line>:<col>: ]CONSOLE [<SOURCE> ]<LEVEL> <text>` (console.log
// has no source word); that output is
// the console stream. WebKitGTK shares WebCore's CORS checks and messages with Safari; what
// Safari's own network layer may do differently is not seen here (docs/CONFORMANCE.md).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConsoleStream, Driver, runDriven } from '../driven.mjs';
import { commandOutput, killOnExit, startProcess } from './process.mjs';

const CONSOLE_LINE = /^(?:\S+:\d+:\d+: )?CONSOLE (?:(\S+) )?(LOG|INFO|WARN|WARNING|ERROR|DEBUG) (.*)$/;

export async function start({ env }) {
  const binary = env.CORS_SIM_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
  const home = mkdtempSync(path.join(tmpdir(), 'cors-sim-webkit-'));
  const display = await startXvfb(env);
  const childEnv = {
    ...env,
    DISPLAY: display.name,
    // A fresh profile, HTTP cache and preflight cache for every run.
    HOME: home,
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    // No GPU here; software rendering keeps the process from probing for one.
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    LIBGL_ALWAYS_SOFTWARE: '1',
  };
  const version = (await commandOutput(binary, ['--version'], childEnv)) ?? '';
  if (!/^WebKitGTK /.test(version)) {
    display.kill();
    throw new Error(`webkit: ${binary} does not run (install Debian libwebkit2gtk-4.1-0, or set CORS_SIM_MINIBROWSER); it printed: ${JSON.stringify(version)}`);
  }

  const stream = new ConsoleStream();
  let message = null; // the console message being read (a message may span several lines)
  const flush = () => {
    if (message) stream.push(message);
    message = null;
  };
  const onLine = (line) => {
    const m = CONSOLE_LINE.exec(line);
    if (m) {
      flush();
      message = { type: `${(m[1] ?? 'console').toLowerCase()}-${m[2].toLowerCase()}`, text: m[3] };
      // A marker is complete on its own line; push it at once so the stream stays in step.
      if (m[3].startsWith('__cors_sim ')) flush();
    } else if (message) {
      message.text += `\n${line}`;
    }
  };

  let browser = null;
  let driver = null;
  return {
    name: 'WebKitGTK',
    model: 'safari',
    version: version.replace(/^WebKitGTK\s*/, ''),
    networkError: 'TypeError: Load failed',
    // MiniBrowser writes a console message as a C string: a NUL in it ends the line there.
    consoleEndsAtNul: true,
    noise: [
      // XMLHttpRequest.setRequestHeader with a forbidden name, as in Chromium.
      { kind: 'xhr-refused-unsafe-header', re: /^Refused to set unsafe header / },
      // XMLHttpRequest.send(ArrayBuffer): a deprecation notice about the body.
      { kind: 'xhr-arraybuffer-deprecated', re: /^ArrayBuffer is deprecated in XMLHttpRequest\.send\(\)/ },
    ],
    control: (req) => driver?.control(req),
    async run(jobs, pageUrl, reg, opts) {
      driver = new Driver(reg, 'webkit');
      browser = startProcess(binary, ['--enable-write-console-messages-to-stdout=true', pageUrl], {
        env: childEnv,
        onLine,
        name: 'MiniBrowser',
      });
      await browser.started;
      try {
        const out = await runDriven(driver, stream, jobs, opts);
        flush();
        return out;
      } catch (e) {
        throw new Error(`${e.message}\n  ${browser.diagnosis()}`);
      }
    },
    async close() {
      browser?.kill();
      display.kill();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Starts Xvfb on a free display number (`-displayfd` reports the one it took). */
async function startXvfb(env) {
  const xvfb = env.CORS_SIM_XVFB ?? 'Xvfb';
  const { spawn } = await import('node:child_process');
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const number = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`webkit: Xvfb did not report a display within 10 s: ${err.trim()}`)), 10000);
    child.once('error', (e) => {
      clearTimeout(t);
      reject(new Error(`webkit: cannot start ${xvfb} (install Debian xvfb): ${e.message}`));
    });
    child.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(t);
        resolve(out.trim());
      }
    });
  });
  return { name: `:${number}`, kill: () => child.kill('SIGTERM') };
}
