// An API Gateway authorizer in front of backends in any language (serverless.yml wires it to routes).
import { sessionAuthorizer } from "../src/session/authorizer.ts";

/** Lambda only: API Gateway calls it before a route's own integration; Netlify has no authorizers. */
export const lambdaOnly = true;

export const handler = sessionAuthorizer({
  // Per route; a route not named here needs a valid session only.
  routes: { "GET /py/editor": { requireRoles: ["editor"] } },
});
