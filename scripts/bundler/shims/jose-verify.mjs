// Trick 5 (verify-only functions): only what session verification calls (thirdparty sign-in, which
// signs JWTs with SignJWT / importPKCS8, is not in these bundles).

export { createRemoteJWKSet } from "jose-esm/jwks/remote.js";
export { jwtVerify } from "jose-esm/jwt/verify.js";
export * as errors from "jose-esm/util/errors.js";
