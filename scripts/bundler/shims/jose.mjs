// Trick 5: jose's CommonJS build cannot be tree-shaken; this ESM facade re-exports only what
// supertokens-node calls, so esbuild bundles just those modules of jose's ESM build.

export { createRemoteJWKSet } from "jose-esm/jwks/remote.js";
export { SignJWT } from "jose-esm/jwt/sign.js";
export { jwtVerify } from "jose-esm/jwt/verify.js";
export { importPKCS8 } from "jose-esm/key/import.js";
export * as errors from "jose-esm/util/errors.js";
