// End-to-end test of the built web app (dist/) in headless Chromium, through playwright-core.
//
//   node tests/e2e/e2e.mjs [--dist DIR] [--out DIR] [--url URL]
//
// Serves DIR (default dist/) on a free 127.0.0.1 port (serve.mjs) unless --url
// is given, drives /usr/bin/chromium (no browser download), saves screenshots under --out
// (default target/e2e/), and ends with the line "N passed, M failed" (exit 1 on any failure).
// Any uncaught page error or console error of the page fails the test that was running.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { arg, CHROME_ARGS, CHROMIUM, LIVE_VERDICT, REPO_ROOT as root, serveDist } from './serve.mjs';


const dist = path.resolve(arg('--dist', path.join(root, 'dist')));
const out = path.resolve(arg('--out', path.join(root, 'target', 'e2e')));
let baseUrl = arg('--url', process.env.E2E_URL || '');
mkdirSync(out, { recursive: true });


// ---------- the example scenario's values (kept in step with src/web/state.rs) ----------

const ORIGIN = 'https://app.example.com';
const URL_ = 'https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png';

/** A custom server whose preflight allows PUT from the app's origin but no request header. */
const CUSTOM_NO_ALLOW_HEADERS = `{
  "kind": "custom",
  "preflight": {
    "status": 204,
    "headers": [
      ["Access-Control-Allow-Origin", "${ORIGIN}"],
      ["Access-Control-Allow-Methods", "PUT"]
    ]
  },
  "response": {
    "status": 200,
    "headers": [["Access-Control-Allow-Origin", "${ORIGIN}"], ["ETag", "\\"abc\\""]]
  }
}`;

const CHROME_HEADER_NOT_ALLOWED =
  `Access to fetch at '${URL_}' from origin '${ORIGIN}' has been blocked by CORS policy: ` +
  'Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response.';

// ---------- tiny harness ----------

const results = [];
let pageProblems = [];

function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function assertEq(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}:\n      expected ${JSON.stringify(expected)}\n      actual   ${JSON.stringify(actual)}`);
  }
}

let server = null;
async function startServer() {
  if (baseUrl) return;
  server = await serveDist(dist);
  baseUrl = server.baseUrl;
}

const tid = (id) => `[data-testid="${id}"]`;

/** A browser context whose pages report errors, console errors and CSP violations. */
async function newContext(browser, { width = 1280, height = 900, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  context.setDefaultTimeout(5000);
  // Every Content-Security-Policy violation, as the page itself sees it (the init script is
  // injected by the debugger, outside the page's policy).
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  context.on('page', (page) => watch(page));
  return context;
}

function watch(page) {
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageProblems.push(`console.error: ${m.text()}`);
    else if (m.text().includes('Content Security Policy')) pageProblems.push(`CSP: ${m.text()}`);
  });
}

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations);
}

/** Opens a fresh page on the app and waits for the live app's first verdict. */
async function openApp(browser, { width = 1280, height = 900, colorScheme = 'light', hash = '' } = {}) {
  const context = await newContext(browser, { width, height, colorScheme });
  const page = await context.newPage();
  await page.goto(baseUrl + hash);
  await page.locator(LIVE_VERDICT).waitFor({ timeout: 15000 });
  return { context, page };
}

/**
 * A picture of the whole page, taken in a window as tall as the page: cards out of view are
 * not rendered (`content-visibility: auto`, static/style.css), and the inputs column is at most
 * one window tall, so a capture beyond the window would show neither as a reader sees them.
 */
async function fullScreenshot(page, file) {
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.min(height, 16000) });
  await page.screenshot({ path: path.join(out, file) });
  await page.setViewportSize(size);
}

async function verdict(page) {
  return (await page.locator(tid('verdict')).textContent()).trim();
}

async function useCustomServer(page, json) {
  await page.selectOption(tid('server-kind-input'), 'custom');
  await page.fill(tid('config-input'), json);
}

async function test(name, fn) {
  pageProblems = [];
  const started = Date.now();
  try {
    await fn();
    if (pageProblems.length) throw new Error(`the page reported errors:\n      ${pageProblems.join('\n      ')}`);
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n      ${String(e && e.message ? e.message : e).split('\n').join('\n      ')}`);
  }
}

// ---------- the tests ----------

async function run(browser) {
  await test('the default example shows a verdict, steps and raw HTTP at once', async () => {
    const { context, page } = await openApp(browser);
    const v = await verdict(page);
    assert(v === 'ALLOWED' || v === 'BLOCKED', `verdict is ${JSON.stringify(v)}`);
    assertEq(v, 'ALLOWED', 'the example S3 config allows the example upload');
    const steps = await page.locator(tid('step')).count();
    assert(steps >= 4, `only ${steps} steps`);
    const config = await page.inputValue(tid('config-input'));
    assert(config.includes('<AllowedOrigin>https://app.example.com</AllowedOrigin>'), 'the example config is prefilled');
    assertEq((await page.textContent(tid('format-badge'))).trim(), 'S3 XML', 'format badge');
    assertEq(await page.inputValue(tid('origin-input')), ORIGIN, 'origin');
    assertEq(await page.inputValue(tid('method-input')), 'PUT', 'method');
    assertEq(await page.inputValue(tid('headers-input')), 'Content-Type: image/png', 'headers');
    const pre = await page.textContent(tid('raw-preflight-request'));
    assert(pre.startsWith('OPTIONS /uploads/photo.png HTTP/1.1\nHost: my-bucket.s3.us-east-1.amazonaws.com\n'), `preflight request:\n${pre}`);
    assert(pre.includes('Access-Control-Request-Method: PUT'), 'the preflight asks for PUT');
    const resp = await page.textContent(tid('raw-response'));
    assert(/^HTTP\/1\.1 200 OK\n/.test(resp), `actual response:\n${resp}`);
    assert(resp.includes('Access-Control-Allow-Origin: https://app.example.com'), 'the response allows the origin');
    // The JS API is exported by the same wasm.
    const viaApi = await page.evaluate(() => typeof window.wasmBindings?.simulate);
    assertEq(viaApi, 'function', 'window.wasmBindings.simulate');
    await page.screenshot({ path: path.join(out, 'desktop-1280.png') });
    await fullScreenshot(page, 'desktop-1280-full.png');
    await context.close();
  });

  await test('the built page shows the first render before the wasm runs, and a link shows none', async () => {
    // The page's #app as markup plus the controls' values: a snapshot holds values as
    // attributes and text, the live app as properties.
    const appState = (page) => page.evaluate(() => {
      const app = document.getElementById('app');
      const values = [...app.querySelectorAll('input, textarea, select')].map((el) => `${el.id}=${el.value}`);
      const copy = app.cloneNode(true);
      for (const el of copy.querySelectorAll('input')) el.removeAttribute('value');
      for (const el of copy.querySelectorAll('textarea')) el.textContent = '';
      return { html: copy.innerHTML, values };
    });
    // The wasm held back: the page as it is before the app starts.
    const held = await newContext(browser);
    await held.route(/\.wasm$/, () => {});
    const early = await held.newPage();
    await early.goto(baseUrl);
    await early.locator(tid('verdict')).waitFor();
    assertEq(await verdict(early), 'ALLOWED', 'the snapshot shows the example verdict');
    assert(await early.locator('#app[data-prerendered][inert]').count() === 1, 'the snapshot is marked and inert');
    const snapshot = await appState(early);
    await early.screenshot({ path: path.join(out, 'prerendered-1280.png') });
    // A permalink never shows the example's snapshot, only the loading text.
    const linked = await held.newPage();
    await linked.goto(baseUrl + '#embed=1');
    assert(!(await linked.locator(tid('verdict')).isVisible()), 'no example verdict under a link');
    const loading = await linked.evaluate(() => getComputedStyle(document.getElementById('app'), '::before').content);
    assertEq(loading, '"Loading cors-sim…"', 'the loading text under a link');
    await held.close();
    // A wasm that cannot be loaded is said on the page, not left as an inert snapshot.
    const broken = await newContext(browser);
    await broken.route(/\.wasm$/, (route) => route.fulfill({ status: 404, body: 'gone' }));
    const failed = await broken.newPage();
    await failed.goto(baseUrl);
    const alert = await failed.locator('.load-error[role="alert"]').textContent({ timeout: 5000 });
    assert(alert.startsWith('cors-sim could not start: failed to fetch ') && alert.includes('404'), alert);
    await broken.close();
    // That failure was provoked: its uncaught rejection is not a failure of the page.
    pageProblems = pageProblems.filter((p) => !p.includes('failed to fetch') && !p.includes('status of 404'));
    // The live app renders the same markup: a snapshot from an older build would differ.
    const { context, page } = await openApp(browser);
    const live = await appState(page);
    assertEq(snapshot.values.join('\n'), live.values.join('\n'), 'the controls\' values');
    if (snapshot.html !== live.html) {
      let at = 0;
      while (snapshot.html[at] === live.html[at]) at++;
      const around = (html) => JSON.stringify(html.slice(Math.max(0, at - 120), at + 120));
      throw new Error(`the snapshot and the live first render differ at ${at}:\n      snapshot ${around(snapshot.html)}\n      live     ${around(live.html)}`);
    }
    await context.close();
    // Without JavaScript the example is still there to read.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const still = await noJs.newPage();
    await still.goto(baseUrl);
    assertEq(await verdict(still), 'ALLOWED', 'the verdict without JavaScript');
    await noJs.close();
  });

  await test('an S3 origin mismatch is blocked, and the proposed fix lets it through', async () => {
    const { context, page } = await openApp(browser);
    await page.fill(tid('origin-input'), 'https://staging.example.com');
    assertEq(await verdict(page), 'BLOCKED', 'another origin');
    const shown = await page.textContent(tid('console-message'));
    const api = await page.evaluate(([config, url]) => window.wasmBindings.simulate({
      request: { origin: 'https://staging.example.com', url, method: 'PUT', headers: [['Content-Type', 'image/png']] },
      server: { kind: 's3', config },
    }), [await page.inputValue(tid('config-input')), URL_]);
    assertEq(shown, api.blocked.console, 'the console line is the trace\'s');
    assert(shown.includes("from origin 'https://staging.example.com' has been blocked by CORS policy"), shown);
    const diff = await page.textContent(tid('fix-diff'));
    assert(diff.includes('+    <AllowedOrigin>https://staging.example.com</AllowedOrigin>'), `diff:\n${diff}`);
    await page.screenshot({ path: path.join(out, 'blocked-s3-1280.png') });
    const before = await page.inputValue(tid('config-input'));
    await page.click(tid('apply-fix'));
    assertEq(await verdict(page), 'ALLOWED', 'after applying the fix');
    assert((await page.inputValue(tid('config-input'))).includes('https://staging.example.com'), 'the editor holds the fix');
    await page.click(tid('undo-fix'));
    assertEq(await page.inputValue(tid('config-input')), before, 'undo restores the text');
    assertEq(await verdict(page), 'BLOCKED', 'after undo');
    await context.close();
  });

  await test('a blocked custom-server scenario prints the exact Chrome console line', async () => {
    const { context, page } = await openApp(browser);
    await useCustomServer(page, CUSTOM_NO_ALLOW_HEADERS);
    assertEq((await page.textContent(tid('format-badge'))).trim(), 'custom responses', 'format badge');
    assertEq(await verdict(page), 'BLOCKED', 'verdict');
    assertEq(await page.textContent(tid('console-message')), CHROME_HEADER_NOT_ALLOWED, 'console message');
    assertEq(await page.textContent(tid('js-error')), 'TypeError: Failed to fetch', 'JS error');
    assertEq(await page.locator(tid('raw-request')).count(), 0, 'no actual request pane');
    const failed = page.locator(`${tid('step')}[data-result="failed"]`);
    assert((await failed.count()) >= 1, 'a failed step is shown');
    // The page shows exactly what the JS API returns for the same scenario.
    const api = await page.evaluate(([url, origin, server]) => window.wasmBindings.simulate({
      browser: 'chrome',
      request: { origin, url, method: 'PUT', headers: [['Content-Type', 'image/png']] },
      server: JSON.parse(server),
    }), [URL_, ORIGIN, CUSTOM_NO_ALLOW_HEADERS]);
    assertEq(api.blocked.console, CHROME_HEADER_NOT_ALLOWED, 'JS API console');
    assertEq(api.request, null, 'JS API: no actual request (null, not undefined)');
    assertEq(await page.locator(tid('step')).count(), api.steps.length, 'one timeline entry per step');
    await fullScreenshot(page, 'blocked-1280.png');
    await context.close();
  });

  await test('changing headers, method and browser changes the verdict', async () => {
    const { context, page } = await openApp(browser);
    await useCustomServer(page, CUSTOM_NO_ALLOW_HEADERS);
    assertEq(await verdict(page), 'BLOCKED', 'with Content-Type');
    await page.fill(tid('headers-input'), '');
    assertEq(await verdict(page), 'ALLOWED', 'without request headers');
    await page.fill(tid('method-input'), 'DELETE');
    assertEq(await verdict(page), 'BLOCKED', 'DELETE is not allowed');
    const chrome = await page.textContent(tid('console-message'));
    assert(chrome.includes('Method DELETE is not allowed'), `Chrome console: ${chrome}`);
    await page.selectOption(tid('browser-input'), 'firefox');
    const firefox = await page.textContent(tid('console-message'));
    assert(firefox.startsWith('Cross-Origin Request Blocked:'), `Firefox console: ${firefox}`);
    assertEq(await page.textContent(tid('js-error')), 'TypeError: NetworkError when attempting to fetch resource.', 'Firefox JS error');
    // The comparison row switches engines too.
    assertEq(await page.locator(`${tid('browser-compare')} button`).count(), 3, 'three engines compared');
    await page.click(tid('compare-safari'));
    assertEq(await page.inputValue(tid('browser-input')), 'safari', 'picked from the comparison');
    assertEq(await page.getAttribute(tid('compare-safari'), 'aria-pressed'), 'true', 'aria-pressed');
    const safari = await page.textContent(tid('console-message'));
    assert(safari !== firefox && safari !== chrome, 'Safari has its own wording');
    // fetch() uppercases put (but would keep patch as written).
    await page.fill(tid('method-input'), 'put');
    assertEq(await verdict(page), 'ALLOWED', 'put is normalized to PUT');
    await page.selectOption(tid('credentials-input'), 'include');
    assertEq(await verdict(page), 'BLOCKED', 'credentials include without Allow-Credentials');
    await context.close();
  });

  await test('a malformed config shows a located error and keeps the text', async () => {
    const { context, page } = await openApp(browser);
    const broken = '{\n  "kind": "custom",\n  "response": {"status": }\n}';
    await useCustomServer(page, broken);
    assertEq(await verdict(page), 'INPUT ERROR', 'verdict');
    const err = await page.textContent(tid('config-error'));
    assert(/(^|\D)3:\d+/.test(err), `the error names line 3: ${err}`);
    assertEq(await page.inputValue(tid('config-input')), broken, 'the textarea keeps the text exactly');
    assertEq(await page.getAttribute(tid('config-input'), 'aria-invalid'), 'true', 'aria-invalid');
    // The location button puts the caret there.
    await page.click(`${tid('config-error')} .loc`);
    const caret = await page.evaluate(() => {
      const t = document.querySelector('[data-testid="config-input"]');
      return [document.activeElement === t, t.value.slice(0, t.selectionStart).split('\n').length];
    });
    assertEq(caret.join(), 'true,3', 'focused, caret on line 3');
    // The timeline keeps the last valid result instead of jumping away.
    assert((await page.locator(tid('step')).count()) > 0, 'the last valid timeline stays');
    // S3 XML errors are located too.
    await page.selectOption(tid('server-kind-input'), 's3');
    const xml = '<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>https://app.example.com</AllowedMethod>\n  </CORSRule>\n</CORSConfiguration>';
    await page.fill(tid('config-input'), xml);
    const xmlErr = await page.textContent(tid('config-error'));
    assert(/(^|\D)3:\d+/.test(xmlErr), `the XML error names line 3: ${xmlErr}`);
    assertEq(await page.inputValue(tid('config-input')), xml, 'the XML is kept exactly');
    assertEq((await page.textContent(tid('format-badge'))).trim(), 'invalid', 'badge');
    await page.screenshot({ path: path.join(out, 'error-1280.png') });
    // Switching kinds keeps each kind's text.
    await page.selectOption(tid('server-kind-input'), 'custom');
    assertEq(await page.inputValue(tid('config-input')), broken, 'the custom text is still there');
    await context.close();
  });

  await test('typing in the middle of the editor keeps the caret in place', async () => {
    const { context, page } = await openApp(browser);
    const ta = page.locator(tid('config-input'));
    const before = await ta.inputValue();
    const at = before.indexOf('</ID>');
    await ta.focus();
    await ta.evaluate((t, at) => t.setSelectionRange(at, at), at);
    await page.keyboard.type('-v2');
    assertEq(await ta.inputValue(), before.slice(0, at) + '-v2' + before.slice(at), 'text typed at the caret');
    assertEq(await verdict(page), 'ALLOWED', 'verdict after typing');
    await context.close();
  });

  await test('a header line without a colon is located', async () => {
    const { context, page } = await openApp(browser);
    await page.fill(tid('headers-input'), 'Content-Type: image/png\nx-amz-acl private');
    const err = await page.textContent(tid('request-error'));
    assert(err.includes('Headers 2:'), `error: ${err}`);
    assertEq(await page.getAttribute(tid('headers-input'), 'aria-invalid'), 'true', 'aria-invalid');
    assertEq(await verdict(page), 'INPUT ERROR', 'verdict');
    await page.fill(tid('headers-input'), 'Content-Type: image/png\nx-amz-acl: private');
    assertEq(await verdict(page), 'ALLOWED', 'fixed');
    const pre = await page.textContent(tid('raw-preflight-request'));
    assert(pre.includes('Access-Control-Request-Headers: content-type,x-amz-acl'), `preflight:\n${pre}`);
    await context.close();
  });

  await test('the inputs survive a reload through the permalink', async () => {
    const { context, page } = await openApp(browser);
    await page.fill(tid('method-input'), 'DELETE');
    await page.selectOption(tid('browser-input'), 'safari');
    await page.waitForFunction(() => location.hash.startsWith('#v1='), null, { timeout: 5000 });
    await page.reload();
    await page.locator(LIVE_VERDICT).waitFor();
    assertEq(await page.inputValue(tid('method-input')), 'DELETE', 'method after reload');
    assertEq(await page.inputValue(tid('browser-input')), 'safari', 'browser after reload');
    await page.click('text=Reset example');
    assertEq(await page.inputValue(tid('method-input')), 'PUT', 'method after reset');
    assertEq(await page.inputValue(tid('browser-input')), 'chrome', 'browser after reset');
    await context.close();
  });

  await test('copy buttons put the raw HTTP on the clipboard', async () => {
    const { context, page } = await openApp(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
    const pane = page.locator('figure.raw', { has: page.locator(tid('raw-preflight-request')) });
    await pane.locator('button.copy').click();
    await page.locator('button.copy--done').first().waitFor({ timeout: 3000 });
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assertEq(clip, await page.textContent(tid('raw-preflight-request')), 'clipboard text');
    await context.close();
  });

  await test('presets load their scenario and lesson', async () => {
    const { context, page } = await openApp(browser);
    await page.selectOption(tid('preset-input'), 'lowercase-patch');
    assert((await page.textContent(tid('lesson'))).includes('Lowercase patch is not PATCH'), 'lesson title');
    assertEq(await page.inputValue(tid('method-input')), 'patch', 'method');
    assertEq(await page.inputValue(tid('server-kind-input')), 'custom', 'server kind');
    assertEq(await verdict(page), 'BLOCKED', 'verdict');
    assertEq(await page.textContent(tid('block-reason')), 'method_not_allowed', 'reason');
    await page.selectOption(tid('preset-input'), 'preflight-cache-max-age');
    assertEq(await page.locator(tid('later-request')).count(), 2, 'two later requests');
    const later = await page.locator(tid('later-request')).allTextContents();
    assert(later[0].includes('answered from the cache'), `10 minutes later: ${later[0]}`);
    assert(later[1].includes('preflight sent'), `3 hours later: ${later[1]}`);
    await page.selectOption(tid('browser-input'), 'safari');
    assert((await page.locator(tid('later-request')).first().textContent()).includes('preflight sent'), 'Safari caps Max-Age at 600 s');
    await page.click('text=Reset example');
    assertEq(await page.locator(tid('lesson')).count(), 0, 'no lesson after reset');
    assertEq(await page.inputValue(tid('preset-input')), '', 'picker reset');
    await context.close();
  });

  await test('the JS API throws located errors with kind and code', async () => {
    const { context, page } = await openApp(browser);
    const e = await page.evaluate(() => {
      try {
        window.wasmBindings.simulate('{\n  "request": {"url": 1}\n}');
        return null;
      } catch (err) {
        return { isError: err instanceof Error, message: err.message, line: err.line, column: err.column, kind: err.kind, code: err.code };
      }
    });
    assert(e && e.isError, 'an Error is thrown');
    assertEq(e.line, 2, 'line');
    assert(typeof e.column === 'number', 'column is a number');
    assertEq(e.code, null, 'code');
    assert(e.message.startsWith('scenario:2:'), `message: ${e.message}`);
    const p = await page.evaluate(() => {
      try { window.wasmBindings.parsePolicy('s3', '<CORSConfiguration><CORSRule></CORSConfiguration>'); return null; } catch (err) { return { kind: err.kind, line: err.line, message: err.message }; }
    });
    assert(p && p.line === 1, `parsePolicy error: ${JSON.stringify(p)}`);
    const policy = await page.evaluate(() => window.wasmBindings.parsePolicy('s3', '{"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}'));
    assertEq(policy.config.format, 's3api-json', 'parsePolicy format');
    await context.close();
  });

  await test('mobile (375 px) and narrow (360 px) layouts do not overflow', async () => {
    for (const width of [375, 360]) {
      const { context, page } = await openApp(browser, { width, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assertEq(overflow, 0, `horizontal overflow at ${width} px`);
      if (width === 375) {
        await page.screenshot({ path: path.join(out, 'mobile-375.png') });
        await fullScreenshot(page, 'mobile-375-full.png');
        await page.fill(tid('origin-input'), 'https://staging.example.com');
        assertEq(await verdict(page), 'BLOCKED', 'another origin is blocked');
        await page.locator(tid('verdict')).evaluate((e) => e.scrollIntoView({ block: 'start' }));
        await page.screenshot({ path: path.join(out, 'mobile-375-blocked.png') });
        const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assertEq(overflow2, 0, 'horizontal overflow at 375 px when blocked');
      }
      await context.close();
    }
  });

  await test('dark mode follows prefers-color-scheme', async () => {
    const { context, page } = await openApp(browser, { colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assertEq(bg, 'rgb(14, 17, 22)', 'dark background');
    await useCustomServer(page, CUSTOM_NO_ALLOW_HEADERS);
    await page.screenshot({ path: path.join(out, 'dark-1280.png') });
    await context.close();
  });
}

// ---------- permalink, embed mode, the demo page, CSP, keyboard ----------

/** The example scenario asked from another origin, as a v1 permalink payload. */
const V1_STAGING = 'q1bKL8pMz8xTslLKKCkpKLbS1y8uSQQKpOulViTmFuSk6iXn5yrVAgA';

async function more(browser) {
  await test('Share copies a #v1= link that opens the same simulation in a new page', async () => {
    const { context, page } = await openApp(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
    await page.fill(tid('origin-input'), 'https://staging.example.com');
    await page.fill(tid('method-input'), 'POST');
    await page.fill(tid('headers-input'), 'Content-Type: text/plain\nX-Trace: 1 & 2 = 3 # ü');
    await page.selectOption(tid('browser-input'), 'firefox');
    const v = await verdict(page);
    const shown = await page.textContent(tid('console-message'));
    await page.click('button.copy-link');
    await page.locator('button.copy-link.copy--done').waitFor({ timeout: 3000 });
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert(/#v1=[A-Za-z0-9_-]+$/.test(link), `link: ${link}`);
    assert(link.length < 1200, `the link is compressed (${link.length} chars)`);
    const other = await context.newPage();
    await other.goto(link);
    await other.locator(LIVE_VERDICT).waitFor({ timeout: 15000 });
    assertEq(await verdict(other), v, 'verdict in the new page');
    assertEq(await other.textContent(tid('console-message')), shown, 'console line in the new page');
    for (const f of ['origin-input', 'method-input', 'headers-input', 'browser-input', 'config-input']) {
      assertEq(await other.inputValue(tid(f)), await page.inputValue(tid(f)), f);
    }
    assertEq(await other.locator(tid('link-error')).count(), 0, 'no error message');
    await context.close();
  });

  await test('a link of the first form (#s=) still opens', async () => {
    const json = JSON.stringify({ method: 'DELETE', browser: 'safari' });
    const { context, page } = await openApp(browser, { hash: '#s=' + encodeURIComponent(json) });
    assertEq(await page.inputValue(tid('method-input')), 'DELETE', 'method');
    assertEq(await page.inputValue(tid('browser-input')), 'safari', 'browser');
    assertEq(await verdict(page), 'BLOCKED', 'DELETE is not allowed by the example');
    assertEq(await page.locator(tid('link-error')).count(), 0, 'no error message');
    await context.close();
  });

  await test('hostile fragments show a message and the default example, never a crash', async () => {
    const cases = [
      ['#v1=!!not-base64!!', 'not valid base64url'],
      ['#v1=' + V1_STAGING.slice(0, 20), 'incomplete or corrupt'],
      ['#v1=' + 'A'.repeat(70 * 1024), 'too long'],
      ['#v2=abc', 'unknown version'],
      ['#s=%7B%22method', 'does not describe a simulation'],
      ['#s=%5B1%2C2%5D', 'not a JSON object'],
    ];
    for (const [hash, expected] of cases) {
      const { context, page } = await openApp(browser, { hash });
      const msg = await page.textContent(tid('link-error'));
      assert(msg.includes('This link could not be opened: '), `${hash.slice(0, 40)}: ${msg}`);
      assertEq(await page.getAttribute(tid('link-error'), 'role'), 'alert', 'announced');
      assert(msg.includes(expected), `${hash.slice(0, 40)}: expected "${expected}" in ${msg}`);
      assertEq(await verdict(page), 'ALLOWED', `${hash.slice(0, 40)}: the example's verdict`);
      assertEq(await page.inputValue(tid('method-input')), 'PUT', `${hash.slice(0, 40)}: the example's method`);
      if (hash.length > 1000) await page.screenshot({ path: path.join(out, 'hostile-link-1280.png') });
      await context.close();
    }
  });

  await test('embed mode is compact, and readonly keeps the config as it is', async () => {
    const { context, page } = await openApp(browser, { width: 800, height: 700, hash: `#embed=1&readonly=1&v1=${V1_STAGING}` });
    await page.locator(tid('embed')).waitFor();
    assertEq(await page.locator('header.top').count(), 0, 'no page header');
    assertEq(await page.locator('footer.foot').count(), 0, 'no page footer');
    assertEq(await verdict(page), 'BLOCKED', 'verdict');
    const cons = await page.textContent(tid('console-message'));
    assert(cons.includes("from origin 'https://staging.example.com' has been blocked by CORS policy"), cons);
    assert((await page.locator(tid('step')).count()) >= 3, 'the timeline is shown');
    assertEq(await page.locator(tid('raw-preflight-request')).count(), 0, 'no raw HTTP pane');
    await page.screenshot({ path: path.join(out, 'embed-readonly-800.png') });
    const ta = page.locator(tid('config-input'));
    assert((await ta.getAttribute('readonly')) !== null, 'the config textarea is readonly');
    assert(await page.locator(tid('server-kind-input')).isDisabled(), 'the server kind is disabled');
    const before = await ta.inputValue();
    await ta.focus();
    await page.keyboard.type('junk');
    assertEq(await ta.inputValue(), before, 'typing does not change the config');
    assertEq(await verdict(page), 'BLOCKED', 'verdict unchanged');
    const full = await page.getAttribute(tid('open-full'), 'href');
    assert(full.includes('#v1=') && !full.includes('embed'), `the full-page link: ${full}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assertEq(overflow, 0, 'no horizontal overflow');
    // The address bar keeps the flags when the state changes.
    await page.fill(tid('method-input'), 'GET');
    await page.waitForFunction(() => location.hash.startsWith('#embed=1&readonly=1&v1='), null, { timeout: 5000 });
    await context.close();
    // Without readonly, the config is editable.
    const e2 = await openApp(browser, { width: 800, height: 700, hash: '#embed=1' });
    await e2.page.locator(tid('embed')).waitFor();
    assertEq(await e2.page.getAttribute(tid('config-input'), 'readonly'), null, 'editable without readonly');
    await e2.page.fill(tid('config-input'), '');
    assertEq(await verdict(e2.page), 'BLOCKED', 'a bucket without CORS blocks');
    await e2.context.close();
  });

  await test('embed-demo.html: the iframe embeds, and the JS API prints the verdict', async () => {
    const context = await newContext(browser, { width: 1100, height: 1400 });
    const page = await context.newPage();
    await page.goto(baseUrl + 'embed-demo.html');
    await page.waitForFunction(() => document.querySelector('[data-testid="api-verdict"]').textContent !== '…', null, { timeout: 15000 });
    assertEq(await page.textContent(tid('api-verdict')), 'BLOCKED', 'verdict from the JS API');
    const cons = await page.textContent(tid('api-console'));
    assert(cons.startsWith("Access to fetch at 'https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.png' from origin 'https://staging.example.com' has been blocked by CORS policy"), cons);
    assert((await page.textContent(tid('api-steps'))).includes('fail: '), 'the steps are printed');
    assertEq(await page.locator('#app').count(), 0, 'the module mounts no app on a page without #app');
    const frame = page.frameLocator(tid('embed-frame'));
    await frame.locator(LIVE_VERDICT).waitFor({ timeout: 15000 });
    assertEq((await frame.locator(tid('verdict')).textContent()).trim(), 'BLOCKED', 'verdict in the iframe');
    assertEq(await frame.locator('header.top').count(), 0, 'the iframe is in embed mode');
    await fullScreenshot(page, 'embed-demo.png');
    await context.close();
  });

  await test('the page runs under its strict Content-Security-Policy with no violation', async () => {
    const { context, page } = await openApp(browser);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert(csp && csp.includes("script-src 'self' 'wasm-unsafe-eval'") && !csp.includes('unsafe-inline') && !/'unsafe-eval'/.test(csp), `policy: ${csp}`);
    assertEq(await page.locator('script:not([src])').count(), 0, 'no inline script');
    assertEq(await page.locator('[style]').count(), 0, 'no inline style attribute');
    // Exercise the app: editing, fix, presets, browsers.
    await page.fill(tid('origin-input'), 'https://staging.example.com');
    await page.click(tid('apply-fix'));
    await page.selectOption(tid('preset-input'), 'lowercase-patch');
    await page.selectOption(tid('browser-input'), 'firefox');
    assertEq(JSON.stringify(await cspViolations(page)), '[]', 'violations while running');
    // The policy is in force: an injected inline script is refused and reported.
    const ran = await page.evaluate(async () => {
      window.__inlineRan = false;
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return window.__inlineRan;
    });
    assertEq(ran, false, 'an inline script does not run');
    const v = await cspViolations(page);
    assert(v.length === 1 && v[0].startsWith('script-src'), `the refusal is reported: ${JSON.stringify(v)}`);
    // That refusal was provoked on purpose: it is not a failure of the page.
    pageProblems = pageProblems.filter((p) => !p.includes('Content Security Policy'));
    await context.close();
  });

  await test('keyboard only: Tab to the method, type, Tab on, the verdict follows; focus is visible', async () => {
    const { context, page } = await openApp(browser);
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement?.dataset?.testid === 'method-input');
    }
    assert(found, 'Tab reaches the method field');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return [s.outlineStyle, s.outlineWidth];
    });
    assert(outline[0] !== 'none' && outline[1] !== '0px', `visible focus outline: ${outline}`);
    await page.screenshot({ path: path.join(out, 'keyboard-focus-1280.png') });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('DELETE');
    await page.keyboard.press('Tab');
    assertEq(await page.inputValue(tid('method-input')), 'DELETE', 'typed');
    assertEq(await verdict(page), 'BLOCKED', 'DELETE is not allowed');
    const next = await page.evaluate(() => [document.activeElement?.tagName, document.activeElement?.dataset?.testid]);
    assert(next[1] !== 'method-input', `focus moved on: ${next}`);
    await context.close();
  });
}

async function codeAndMisses(browser) {
  await test('the request is shown as copyable code, and a passed-over S3 rule says why on hover', async () => {
    const { context, page } = await openApp(browser);
    await page.selectOption(tid('preset-input'), 's3-preflight-403');
    assertEq(await verdict(page), 'BLOCKED', 'the preset is blocked');
    const code = await page.locator(tid('request-code')).textContent();
    assert(code.includes('await fetch("https://my-bucket.s3.us-east-1.amazonaws.com/uploads/old.png"'), `fetch code: ${code}`);
    assert(code.includes('method: "DELETE"'), `method in the code: ${code}`);
    const missed = page.locator('.gutter .ln--missed');
    assertEq(await missed.count(), 1, 'one passed-over rule');
    const why = await missed.first().getAttribute('title');
    assert(why && why.startsWith('Rule 1 did not match:') && why.includes('DELETE'), `why: ${why}`);
    await page.selectOption(tid('api-input'), 'xhr');
    const xhr = await page.locator(tid('request-code')).textContent();
    assert(xhr.includes('xhr.open("DELETE"'), `xhr code: ${xhr}`);
    await context.close();
  });
}

async function longConfig(browser) {
  await test('a long configuration scrolls inside the editor: the request form stays close, the caret stays in view', async () => {
    const { context, page } = await openApp(browser);
    const rule = (i) => `  <CORSRule>\n    <ID>r${i}</ID>\n    <AllowedOrigin>https://site${i}.example.org</AllowedOrigin>\n    <AllowedMethod>GET</AllowedMethod>\n  </CORSRule>\n`;
    let xml = '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n';
    for (let i = 0; i < 99; i++) xml += rule(i);
    xml += rule(99).replace('https://site99.example.org', 'https://app.example.com') + '</CORSConfiguration>\n';
    await page.fill(tid('config-input'), xml);
    await page.getByText('100 rules', { exact: true }).waitFor();
    const box = await page.evaluate(() => {
      const ed = document.querySelector('.code-editor').getBoundingClientRect();
      const form = document.querySelector('[data-testid="origin-input"]').getBoundingClientRect();
      return { editor: ed.height, formTop: form.top + scrollY, window: innerHeight };
    });
    assert(box.editor <= box.window * 0.7 + 1, `editor ${box.editor} px tall in a ${box.window} px window`);
    assert(box.formTop < box.window * 1.5, `the Origin field starts at ${box.formTop} px`);
    // Typing in the last rule: the editor scrolls to the caret.
    const ta = page.locator(tid('config-input'));
    const at = xml.indexOf('</ID>', xml.lastIndexOf('<ID>'));
    await ta.focus();
    await ta.evaluate((t, at) => t.setSelectionRange(at, at), at);
    await page.keyboard.type('-last');
    assertEq(await ta.inputValue(), xml.slice(0, at) + '-last' + xml.slice(at), 'typed at the caret');
    // The caret's line is in the text's visible part, and the gutter has followed the text.
    const line = xml.slice(0, at).split('\n').length;
    const view = await page.evaluate(() => {
      const text = document.querySelector('.code-editor textarea');
      return {
        scrollTop: text.scrollTop + document.querySelector('.code-editor').scrollTop,
        height: text.clientHeight,
        lineHeight: parseFloat(getComputedStyle(text).lineHeight),
        gutter: document.querySelector('.gutter').scrollTop,
        text: text.scrollTop,
      };
    });
    const top = 8 + (line - 1) * view.lineHeight;
    assert(view.scrollTop > 0 && top >= view.scrollTop && top < view.scrollTop + view.height,
      `line ${line} (at ${top} px) is inside the text's view (${view.scrollTop} to ${view.scrollTop + view.height})`);
    assertEq(view.gutter, view.text, 'the gutter scrolled with the text');
    await page.screenshot({ path: path.join(out, 'long-config-1280.png') });
    await context.close();
  });
}

// ---------- main ----------

let browser;
let exitCode = 0;
try {
  await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROME_ARGS });
  console.log(`e2e: ${baseUrl} in ${CHROMIUM} ${browser.version()}; screenshots in ${path.relative(process.cwd(), out) || '.'}`);
  await run(browser);
  await more(browser);
  await codeAndMisses(browser);
  await longConfig(browser);
} catch (e) {
  results.push({ name: 'setup', ok: false });
  console.log(`FAIL setup\n      ${e && e.stack ? e.stack : e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.stop();
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
if (failed) exitCode = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
