// Loads the app's wasm-bindgen module. Trunk's own loader is an inline <script>, which a strict
// Content-Security-Policy (script-src 'self') refuses; Trunk.toml's `pattern_script` emits
// <script type="module" src="loader.js" data-js=... data-wasm=...> instead, and this file does
// what the inline loader did.
const tag = document.querySelector('script[data-cors-sim-js]');
const bindings = await import(tag.dataset.corsSimJs);
const wasm = await bindings.default({ module_or_path: tag.dataset.corsSimWasm });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
