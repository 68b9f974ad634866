// wasm.js: the pages' WebAssembly module (gateway/pages/wasm): the
// project's own credential, presentation and issuance code, run in this
// tab, so a private key given to the page never leaves it. The page loads
// /ui/assets/wasm/wasm_exec.js (Go's loader) before this module.

let loaded;

/** load instantiates the module once; it rejects if the gateway has none. */
export function load() {
  loaded ??= (async () => {
    if (typeof globalThis.Go !== 'function') throw new Error('wasm_exec.js is not loaded');
    const go = new globalThis.Go();
    const answer = await fetch('/ui/assets/wasm/wanledger.wasm');
    if (!answer.ok) throw new Error((await answer.text()).slice(0, 200));
    const { instance } = await WebAssembly.instantiateStreaming(answer, go.importObject);
    go.run(instance); // sets globalThis.wanledger, then waits for calls
    if (!globalThis.wanledger) throw new Error('the module did not start');
  })();
  return loaded;
}

/**
 * call runs the module's function name; it throws the module's error, with
 * its code (e.code) for the errors a page tells apart.
 */
export async function call(name, ...args) {
  await load();
  const f = globalThis.wanledger[name];
  if (typeof f !== 'function') throw new Error(`the module has no function ${name}`);
  const a = f(...args);
  if ('error' in a) throw Object.assign(new Error(a.error), { code: a.code ?? '' });
  return a.value;
}
