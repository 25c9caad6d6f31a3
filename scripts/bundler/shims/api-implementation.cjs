// Trick 4 (verify-only functions): a recipe's API implementation with no APIs. Every API is then
// "disabled" (supertokens-node checks `apiImpl.xPOST === undefined`), which is what a function that
// never mounts the SuperTokens middleware needs. Leaves out thirdparty providers, SAML, pkce, crypto-js…
function getAPIImplementation() {
  return {};
}
module.exports = getAPIImplementation;
module.exports.__esModule = true;
module.exports.default = getAPIImplementation;
