// Trick 4 (verify-only functions): a recipe's API route handler, never called because its API is disabled.
function apiNotBundled() {
  throw new Error("session-roles build: this SuperTokens API is not bundled in a verify-only function");
}
module.exports = apiNotBundled;
module.exports.__esModule = true;
module.exports.default = apiNotBundled;
