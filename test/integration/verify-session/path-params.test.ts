// request.params on every shape: API Gateway's pathParameters (v1, v2), and for ALB, Function URLs and
// Netlify (v1, v2) the path matched against the function's declared route; always decoded once.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterEach, describe, expect, it } from "vitest";
import { declareRoutes } from "../../../src/http/route-params.ts";
import type { SessionRequest } from "../../../src/session/verify-session.ts";
import {
  authenticated,
  sessionTargets,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
const user = withSignedInUser("cookie");

const echo = ({ session, request }: { session: SessionContainer; request: SessionRequest }) => ({
  userId: session.getUserId(),
  params: request.params,
});

/** What every shape built by test/helpers/events.ts must hand the handler, per wrapper. */
const targets = sessionTargets(echo as never);
/** API Gateway names the route it matched in the event; the others only know the function's route. */
const fromEvent = (name: string) => name.startsWith("API Gateway");

afterEach(() => declareRoutes(undefined));

const CASES = [
  { route: "/items/:id", path: "/items/a%2Fb%20c", params: { id: "a/b c" } },
  { route: "/items/:id", path: "/items/%C3%A9t%C3%A9", params: { id: "été" } },
  { route: "/orgs/{org}/users/{user}", path: "/orgs/o-1/users/u%3A2", params: { org: "o-1", user: "u:2" } },
  { route: "/files/*", path: "/files/x/y%20z.txt", params: { "*": "x/y z.txt" } },
];

describe("request.params", () => {
  describe.each(targets)("$name", (target) => {
    it.each(CASES)("$route at $path", async ({ route, path, params }) => {
      // Only the shapes without API Gateway's pathParameters read the declared route.
      declareRoutes(fromEvent(target.name) ? undefined : route);
      const reply = await target.call(authenticated(user, { path, route }));
      expect(reply.status, reply.body).toBe(200);
      expect(reply.json).toEqual({ userId: user.userId, params });
    });

    it("is empty for a route without parameters", async () => {
      declareRoutes("/editor-only");
      const reply = await target.call(authenticated(user, { path: "/editor-only", route: "/editor-only" }));
      expect(reply.json).toEqual({ userId: user.userId, params: {} });
    });

    it("refuses a malformed escape with 400 JSON", async () => {
      declareRoutes(fromEvent(target.name) ? undefined : "/items/:id");
      const reply = await target.call(authenticated(user, { path: "/items/%E0%A4%A", route: "/items/:id" }));
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ message: "path parameter id is malformed" });
    });
  });
});
