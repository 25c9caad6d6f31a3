// On Lambda, a function that reads roles (the authorizer, a guard) asks for the core's keys and the
// declared roles' permissions in the init phase, so its first request makes one core call: the roles.
import { describe, expect, it } from "vitest";
import { httpApiAuthorizerEvent, type SimpleAuthorizerAnswer } from "../../helpers/authorizer-events.ts";
import { signUp, withSuperTokens } from "../../helpers/session-client.ts";

const core = withSuperTokens();

describe("the init phase of a function that reads roles", () => {
  it("fetches the keys and the declared roles' permissions before the first event", async () => {
    const user = await signUp("header");
    process.env.AWS_LAMBDA_FUNCTION_NAME = "authorizer";
    try {
      core.clearRequests();
      // A fresh module graph, as a cold start loads it.
      const { sessionAuthorizer } = await import("../../../src/session/authorizer.ts?cold" as string);
      const authorize = sessionAuthorizer() as (event: unknown) => Promise<SimpleAuthorizerAnswer>;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const initPhase = core.requests.map((request) => `${request.method} ${request.path}`);
      expect(initPhase).toEqual(expect.arrayContaining(["GET /recipe/role/permissions"]));
      core.clearRequests();
      expect((await authorize(httpApiAuthorizerEvent(user.accessToken))).isAuthorized).toBe(true);
      // (This test process runs supertokens-node, which fetches its own copy of the keys; a deployed
      // authorizer takes the quick path with the keys fetched in its init phase.)
      const calls = core.requests.map((request) => `${request.method} ${request.path}`);
      expect(calls.filter((call) => !call.endsWith("/jwks.json"))).toEqual(["GET /public/recipe/user/roles"]);
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });
});
