// An API Gateway authorizer in front of backends in any language (serverless.yml wires it to routes).
import { withEmailVerification } from "../src/email/require-verified.ts";
import { type AuthorizerOptions, sessionAuthorizer } from "../src/session/authorizer.ts";

/** Lambda only: API Gateway calls it before a route's own integration; Netlify has no authorizers. */
export const lambdaOnly = true;

// Per route; a route not named here needs a valid session only (and a verified email when
// EMAIL_VERIFICATION=required). Add `checkDatabase: true` to refuse revoked sessions at once.
export const handler = sessionAuthorizer(
  withEmailVerification<AuthorizerOptions>({ routes: { "GET /py/editor": { requireRoles: ["editor"] } } }),
);
