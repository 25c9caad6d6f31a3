// Trick 1: cross-fetch → the runtime's fetch. supertokens-node's querier uses the global fetch when
// it exists (Node ≥ 18 always has it); cross-fetch drags node-fetch, whatwg-url and tr46 (~310 KB).
// Headers/Request/Response are read lazily: Node loads undici the first time one is touched, and
// nothing reads them from here (an eager read loaded undici at import time).
const runtimeFetch = (...args) => globalThis.fetch(...args);
module.exports = runtimeFetch;
module.exports.default = runtimeFetch;
module.exports.fetch = runtimeFetch;
for (const name of ["Headers", "Request", "Response"]) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => globalThis[name] });
}
