// Loads the app's wasm-bindgen module. Trunk's own loader is an inline <script>, which a strict
// Content-Security-Policy (script-src 'self') refuses; Trunk.toml's `pattern_script` emits
// <script src="loader.js" data-cors-sim-js=... data-cors-sim-wasm=...> instead, and this
// file does what the inline loader did.
//
// A classic script in the head, neither a module nor async: it runs before the body is parsed
// (the style sheet, which holds the first paint back anyway, is all it waits for), so the wasm
// is compiled while the rest of the page downloads, and a page opened with a permalink is
// marked before its first paint: the body holds the build's snapshot of the example
// (src/web/prerender.rs), which the style sheet then hides behind the loading text instead of
// showing the example before the linked simulation. The fetch is the one the page's
// <link rel="preload"> already started, and compileStreaming compiles the bytes as they arrive;
// that needs Content-Type: application/wasm, and from a server that sends another type the
// bytes are compiled once they are all in. The module starts the app on #app, so it is
// instantiated once the document has been parsed.
(() => {
  if (location.hash.length > 1) document.documentElement.classList.add('cors-sim-link');
  const tag = document.currentScript;
  const wasmUrl = tag.dataset.corsSimWasm;
  const compiled = fetch(wasmUrl).then((r) => {
    if (!r.ok) throw new Error(`failed to fetch ${wasmUrl}: ${r.status} ${r.statusText}`);
    return (r.headers.get('Content-Type') || '').startsWith('application/wasm')
      ? WebAssembly.compileStreaming(r)
      : r.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  });
  const parsed = document.readyState === 'loading'
    ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
    : Promise.resolve();
  Promise.all([import(tag.dataset.corsSimJs), compiled, parsed]).then(async ([bindings, module]) => {
    const wasm = await bindings.default({ module_or_path: module });
    window.wasmBindings = bindings;
    dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
  }).catch((e) => {
    // Say so on the page: otherwise it would keep showing the inert snapshot, or the loading
    // text, as if the app were still coming.
    const app = document.getElementById('app');
    if (app) {
      const message = document.createElement('p');
      message.className = 'link-error load-error';
      message.setAttribute('role', 'alert');
      message.textContent = `cors-sim could not start: ${e && e.message ? e.message : e}. It runs in your browser and needs WebAssembly.`;
      app.before(message);
    }
    throw e;
  });
})();
