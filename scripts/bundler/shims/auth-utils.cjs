// Trick 6 (verify-only functions): lib/build/index.js requires ./authUtils lazily, inside
// SuperTokens.getAvailableFirstFactors only (a sign-in helper). It drags in EmailVerification and
// MultiFactorAuth helpers (~40 KB) that session verification never runs.
const notBundled = () => {
  throw new Error("session-roles build: AuthUtils (sign-in flows) is not bundled in a verify-only function");
};
module.exports = {
  __esModule: true,
  AuthUtils: new Proxy({}, { get: (_, name) => (name === "then" ? undefined : notBundled) }),
};
