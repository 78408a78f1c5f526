// Firefox ESR (Debian `firefox-esr`), headless, driven by geckodriver (built from crates.io)
// over WebDriver BiDi. The page drives itself (runner.js); this driver only starts
// the browser, opens the page and listens to BiDi `log.entryAdded`, which carries every
// console message with exactly the Web Console's text (CORS errors come as `javascript`
// entries of level `error`).
//
// One difference from the Web Console: an uncaught exception's entry is the error itself
// (`TypeError: …`), without the `Uncaught ` / `Uncaught (in promise) ` the console's UI puts
// in front of it; run.mjs compares those lines without that prefix.

import { ConsoleStream, Driver, runDriven } from '../driven.mjs';
import { commandOutput, freePort, startProcess } from './process.mjs';

export async function start({ env }) {
  const binary = env.CORS_SIM_FIREFOX ?? '/usr/bin/firefox-esr';
  const geckodriver = env.CORS_SIM_GECKODRIVER ?? 'geckodriver';
  const versionText = await commandOutput(binary, ['--version'], env);
  if (!versionText) throw new Error(`firefox: ${binary} does not run (install Debian firefox-esr, or set CORS_SIM_FIREFOX)`);
  const version = versionText.replace(/^Mozilla Firefox\s*/, '');

  const [port, wsPort] = [await freePort(), await freePort()];
  const gd = startProcess(geckodriver, ['--port', String(port), '--websocket-port', String(wsPort)], {
    env,
    name: 'geckodriver',
  });
  await gd.started;
  const base = `http://127.0.0.1:${port}`;
  const session = await retry(30, 200, () =>
    post(`${base}/session`, {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          webSocketUrl: true,
          'moz:firefoxOptions': {
            binary,
            args: ['-headless'],
            prefs: {
              // Nothing but the scenarios on the network, and no first-run pages.
              'app.update.enabled': false,
              'browser.shell.checkDefaultBrowser': false,
              'browser.startup.homepage_override.mstone': 'ignore',
              'datareporting.policy.dataSubmissionEnabled': false,
              'network.captive-portal-service.enabled': false,
              'network.connectivity-service.enabled': false,
            },
          },
        },
      },
    }),
  ).catch((e) => {
    gd.kill();
    throw new Error(`firefox: geckodriver could not start a session: ${e.message}\n  ${gd.diagnosis()}`);
  });
  const sessionId = session.value.sessionId;
  const wsUrl = session.value.capabilities.webSocketUrl;
  if (!wsUrl) throw new Error('firefox: the session has no webSocketUrl (WebDriver BiDi is off)');

  const stream = new ConsoleStream();
  const bidi = await connect(wsUrl, (event) => {
    if (event.method !== 'log.entryAdded') return;
    const p = event.params;
    stream.push({ type: p.type === 'console' ? p.method ?? 'log' : `${p.type}-${p.level}`, text: p.text ?? '' });
  });
  await bidi.send('session.subscribe', { events: ['log.entryAdded'] });
  const tree = await bidi.send('browsingContext.getTree', {});
  const context = tree.contexts[0].context;

  let driver = null;
  return {
    name: 'Firefox',
    model: 'firefox',
    version,
    networkError: 'TypeError: NetworkError when attempting to fetch resource.',
    noise: [
      // An XMLHttpRequest whose response has no XML MIME type is still parsed as XML when
      // script never set responseType; the parse error is about the body, not CORS.
      { kind: 'xhr-xml-parsing-error', re: /^XML Parsing Error: / },
    ],
    uncaughtPrefixDropped: true,
    // Headers Firefox sends by itself (`Priority` for HTTP/1.1 fetches too).
    ownHeaders: ['accept', 'accept-language', 'priority'],
    control: (req) => driver?.control(req),
    async run(jobs, url, reg, opts) {
      driver = new Driver(reg, 'firefox');
      await bidi.send('browsingContext.navigate', { context, url, wait: 'none' });
      return runDriven(driver, stream, jobs, opts);
    },
    async close() {
      bidi.close();
      await fetch(`${base}/session/${sessionId}`, { method: 'DELETE' }).catch(() => {});
      gd.kill();
    },
  };
}

async function post(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${res.status}: ${json?.value?.message ?? JSON.stringify(json)}`);
  return json;
}

async function retry(times, delayMs, f) {
  let last;
  for (let i = 0; i < times; i++) {
    try {
      return await f();
    } catch (e) {
      last = e;
      // Only "not listening yet" is worth waiting for.
      if (!/ECONNREFUSED|fetch failed/.test(String(e.cause ?? e))) throw e;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  throw last;
}

/** A minimal WebDriver BiDi client on Node's WebSocket. */
function connect(url, onEvent) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const pending = new Map();
    let id = 0;
    ws.onerror = (e) => reject(new Error(`firefox: BiDi connection failed: ${e.message ?? e.type}`));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.id != null && pending.has(msg.id)) {
        const { resolve: ok, reject: fail, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.type === 'error') fail(new Error(`firefox: BiDi ${method}: ${msg.error}: ${msg.message}`));
        else ok(msg.result);
      } else if (msg.type === 'event') {
        onEvent(msg);
      }
    };
    ws.onopen = () =>
      resolve({
        send: (method, params) =>
          new Promise((ok, fail) => {
            const i = ++id;
            pending.set(i, { resolve: ok, reject: fail, method });
            ws.send(JSON.stringify({ id: i, method, params }));
          }),
        close: () => ws.close(),
      });
  });
}
