// Trick 7 (verify-only functions): supertokens.js requires the TOTP and MultiFactorAuth recipes only to
// compare their RECIPE_ID with the recipes the app passed to init. A verify-only function never
// initialises them, so the id is all it needs. Which recipe is chosen by the plugin (see tricks.ts).
const RECIPE_ID = __RECIPE_ID__;
const notBundled = () => {
  throw new Error(`session-roles build: the ${RECIPE_ID} recipe is not bundled in a verify-only function`);
};
const NotBundledRecipe = {
  RECIPE_ID,
  init: notBundled,
  getInstance: () => undefined,
  getInstanceOrThrowError: notBundled,
};
module.exports = { __esModule: true, default: NotBundledRecipe };
