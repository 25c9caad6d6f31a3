// Trick 1: cross-fetch → the runtime's fetch. supertokens-node's querier uses the global fetch when
// it exists (Node ≥ 18 always has it); cross-fetch drags node-fetch, whatwg-url and tr46 (~310 KB).
const runtimeFetch = (...args) => globalThis.fetch(...args);
module.exports = runtimeFetch;
module.exports.default = runtimeFetch;
module.exports.fetch = runtimeFetch;
module.exports.Headers = globalThis.Headers;
module.exports.Request = globalThis.Request;
module.exports.Response = globalThis.Response;
