// Trick 7 (verify-only functions): lib/build/index.js reads only `FactorIds` from the MultiFactorAuth
// recipe's index (in getAvailableFirstFactors); the constants live in its types module.
const { FactorIds } = require("st-build/recipe/multifactorauth/types.js");
module.exports = { __esModule: true, FactorIds };
