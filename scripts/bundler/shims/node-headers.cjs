// Trick 12: supertokens-node's framework/custom/framework.js requires ./nodeHeaders for a Headers class
// it builds only when the runtime has none (`typeof Headers === "undefined"`: Node < 18). Node 20 and
// the Lambda/Netlify runtimes always have one, and src/session/collecting-response.ts uses its own.
class NodeHeaders {
  constructor() {
    throw new Error(
      "session-roles build: supertokens-node's Headers polyfill is not bundled (the runtime has Headers)",
    );
  }
}
module.exports = { __esModule: true, default: NodeHeaders };
