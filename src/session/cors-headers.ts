/**
 * What `SuperTokens.getAllCORSHeaders()` answers when only Session and UserRoles are initialised, as in
 * a function that verifies alone: a preflight to it is answered without loading supertokens-node.
 * test/unit/cors-headers.test.ts compares it with supertokens-node's own answer.
 */
export const SESSION_ONLY_CORS_HEADERS: readonly string[] = [
  "rid",
  "fdi-version",
  "anti-csrf",
  "authorization",
  "st-auth-mode",
];
