// A function that reads permissions (the authorizer, a requirePermissions guard) asks for the declared
// roles' permissions once, on its first request and beside the user's roles, so that request waits for
// no round trip of its own for them and every later request makes one core call: the user's roles.
import { describe, expect, it } from "vitest";
import { DECLARED_ROLES } from "../../../src/roles/declared.ts";
import { httpApiAuthorizerEvent, type SimpleAuthorizerAnswer } from "../../helpers/authorizer-events.ts";
import { signUp, withSuperTokens } from "../../helpers/session-client.ts";

const core = withSuperTokens();
const PERMISSIONS = "GET /recipe/role/permissions";
const ROLES = "GET /public/recipe/user/roles";

describe("the first request of a function that reads permissions", () => {
  it("asks for every declared role's permissions once; the next request reads the roles alone", async () => {
    const user = await signUp("header");
    process.env.AWS_LAMBDA_FUNCTION_NAME = "authorizer";
    try {
      core.clearRequests();
      // A fresh module graph, as a cold start loads it.
      const { sessionAuthorizer } = await import("../../../src/session/authorizer.ts?cold" as string);
      const authorize = sessionAuthorizer() as (event: unknown) => Promise<SimpleAuthorizerAnswer>;
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Nothing about roles in the init phase.
      expect(core.requests.map((request) => `${request.method} ${request.path}`)).not.toContain(PERMISSIONS);
      core.clearRequests();
      expect((await authorize(httpApiAuthorizerEvent(user.accessToken))).isAuthorized).toBe(true);
      // (This test process runs supertokens-node, which fetches its own copy of the keys.)
      const first = core.requests.map((request) => `${request.method} ${request.path}`);
      expect(first.filter((call) => call === PERMISSIONS)).toHaveLength(DECLARED_ROLES.length);
      expect(first.filter((call) => call === ROLES)).toHaveLength(1);
      core.clearRequests();
      expect((await authorize(httpApiAuthorizerEvent(user.accessToken))).isAuthorized).toBe(true);
      const second = core.requests.map((request) => `${request.method} ${request.path}`);
      expect(second.filter((call) => !call.endsWith("/jwks.json"))).toEqual([ROLES]);
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });
});
