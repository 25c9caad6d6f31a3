// The freshness model (README "Roles in the token"): refresh recomputes the roles from the core, guards
// read once and write only on change, the authorizer reads the roles fresh with one core call.
import type { SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeAll, describe, expect, it } from "vitest";
import { runtimeConfig } from "../../../src/config/index.ts";
import { PERMISSION_READS_IN_FLIGHT, rolesFromCore } from "../../../src/roles/from-core.ts";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import { verifySession } from "../../../src/session/verify-session.ts";
import { httpApiAuthorizerEvent, type SimpleAuthorizerAnswer } from "../../helpers/authorizer-events.ts";
import { startCountingProxy } from "../../helpers/counting-proxy.ts";
import { LAMBDA_PLATFORMS, lambdaTarget } from "../../helpers/events.ts";
import {
  afterRefresh,
  authenticated,
  type Credentials,
  decodeJwtPayload,
  invalidClaim,
  issuedAccessToken,
  refreshSession,
  signUp,
  type TransferMode,
  withSuperTokens,
} from "../../helpers/session-client.ts";

// The default ROLE_PERMISSIONS_MAX_AGE_SECONDS (60 s); require-permissions.test.ts tries a short bound.
const core = withSuperTokens();
const modes: TransferMode[] = ["cookie", "header"];

const roleClaims = (token: string) => {
  const payload = decodeJwtPayload(token);
  return {
    role: payload.role,
    roles: ((payload["st-role"] as { v: string[] }).v ?? []).slice().sort(),
    permissions: ((payload["st-perm"] as { v: string[] }).v ?? []).slice().sort(),
    // The permissions again, space-separated, for API Gateway's JWT authorizer.
    scope: typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean).sort() : undefined,
  };
};

/** Core requests since the last clear, as "METHOD /path". */
const coreCalls = () => core.requests.map((request) => `${request.method} ${request.path}`);
const regenerates = () => coreCalls().filter((call) => call.endsWith("/recipe/session/regenerate"));

describe.each(modes)("refresh recomputes the roles (%s mode)", (mode) => {
  let user: Credentials;
  beforeAll(async () => {
    user = await signUp(mode);
  });

  it("a role granted and then revoked in the core (not through our API) shows at the next refresh", async () => {
    // Sign-up's token already carries `scope` beside st-perm.
    expect(roleClaims(user.accessToken)).toMatchObject({
      role: "user",
      roles: ["user"],
      scope: ["content:read"],
    });

    await UserRoles.addRoleToUser("public", user.userId, "editor");
    let reply = await refreshSession(user);
    expect(reply.status, reply.body).toBe(200);
    user = afterRefresh(user, reply);
    expect(roleClaims(user.accessToken)).toEqual({
      role: "editor",
      roles: ["editor", "user"],
      permissions: ["content:read", "content:write"],
      scope: ["content:read", "content:write"],
    });

    await UserRoles.removeUserRole("public", user.userId, "editor");
    reply = await refreshSession(user);
    expect(reply.status, reply.body).toBe(200);
    user = afterRefresh(user, reply);
    expect(roleClaims(user.accessToken)).toEqual({
      role: "user",
      roles: ["user"],
      permissions: ["content:read"],
      scope: ["content:read"],
    });
  });

  it("a refresh with nothing changed reads the roles once and regenerates nothing", async () => {
    core.clearRequests();
    const reply = await refreshSession(user);
    expect(reply.status, reply.body).toBe(200);
    user = afterRefresh(user, reply);
    expect(coreCalls()).toEqual(["POST /recipe/session/refresh", "GET /public/recipe/user/roles"]);
  });
});

const whoAmI = ({ session }: { session: SessionContainer }) => ({
  role: session.getAccessTokenPayload().role,
});
const httpApi = LAMBDA_PLATFORMS.find((platform) => platform.shape === "apigw-v2");

describe.each(modes)("guards read once and write only on change (%s mode)", (mode) => {
  const guarded = lambdaTarget(httpApi!, "verifySession", verifySession(whoAmI, { requireRoles: ["user"] }));
  const admins = lambdaTarget(httpApi!, "verifySession", verifySession(whoAmI, { requireRoles: ["admin"] }));
  let user: Credentials;
  beforeAll(async () => {
    user = await signUp(mode);
  });

  it("50 warm requests cost at most 50 core calls, no regenerate and no new token", async () => {
    expect((await guarded.call(authenticated(user, { path: "/guarded" }))).status).toBe(200);
    core.clearRequests();
    for (let i = 0; i < 50; i++) {
      const reply = await guarded.call(authenticated(user, { path: "/guarded" }));
      expect(reply.status, reply.body).toBe(200);
      expect(issuedAccessToken(reply, mode)).toBeUndefined();
      expect(reply.cookies).toEqual([]);
    }
    expect(core.requests.length).toBeLessThanOrEqual(50);
    expect(regenerates()).toEqual([]);
  });

  it("after a grant, the first guarded request writes role and st-role together, once", async () => {
    await UserRoles.addRoleToUser("public", user.userId, "admin");
    try {
      core.clearRequests();
      const reply = await admins.call(authenticated(user, { path: "/admin" }));
      expect(reply.status, reply.body).toBe(200);
      expect(reply.json).toEqual({ role: "admin" });
      const issued = issuedAccessToken(reply, mode);
      expect(issued).toBeDefined();
      expect(roleClaims(issued!)).toMatchObject({ role: "admin", roles: ["admin", "user"] });
      expect(regenerates()).toHaveLength(1);
      user = { ...user, accessToken: issued! };
      core.clearRequests();
      expect((await admins.call(authenticated(user, { path: "/admin" }))).status).toBe(200);
      expect(regenerates()).toEqual([]);
    } finally {
      await UserRoles.removeUserRole("public", user.userId, "admin");
    }
  });

  it("a role revoked in the core is refused on the very next request, with the rewritten token", async () => {
    await UserRoles.addRoleToUser("public", user.userId, "admin");
    const allowed = await admins.call(authenticated(user, { path: "/admin" }));
    expect(allowed.status).toBe(200);
    user = { ...user, accessToken: issuedAccessToken(allowed, mode) ?? user.accessToken };
    await UserRoles.removeUserRole("public", user.userId, "admin");
    const refused = await admins.call(authenticated(user, { path: "/admin" }));
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject(invalidClaim("st-role", { expectedToInclude: "admin" }));
    expect(roleClaims(issuedAccessToken(refused, mode)!)).toMatchObject({ role: "user", roles: ["user"] });
  });
});

describe("the authorizer", () => {
  const authorize = sessionAuthorizer({
    routes: { "GET /write": { requirePermissions: ["content:write"] } },
  });
  const ask = async (token: string, routeKey = "GET /reports") =>
    (await authorize(httpApiAuthorizerEvent(token, routeKey))) as SimpleAuthorizerAnswer;
  let user: Credentials;
  beforeAll(async () => {
    user = await signUp("header");
  });

  it("50 warm calls cost at most 50 core calls, with the roles read fresh each time", async () => {
    expect((await ask(user.accessToken)).isAuthorized).toBe(true);
    core.clearRequests();
    for (let i = 0; i < 50; i++) expect((await ask(user.accessToken)).isAuthorized).toBe(true);
    expect(core.requests.length).toBeLessThanOrEqual(50);
    await UserRoles.addRoleToUser("public", user.userId, "editor");
    try {
      expect((await ask(user.accessToken)).context?.roles?.split(",").sort()).toEqual(["editor", "user"]);
    } finally {
      await UserRoles.removeUserRole("public", user.userId, "editor");
    }
  });
});

describe("a user with 1,000 roles", () => {
  const ROLES = Array.from({ length: 1000 }, (_, i) => `bulk-${String(i).padStart(4, "0")}`);
  let userId: string;
  beforeAll(async () => {
    userId = (await signUp("header")).userId;
    for (let i = 0; i < ROLES.length; i += 50) {
      const batch = ROLES.slice(i, i + 50);
      await Promise.all(batch.map((role) => UserRoles.createNewRoleOrAddPermissions(role, [`${role}:read`])));
      await Promise.all(batch.map((role) => UserRoles.addRoleToUser("public", userId, role)));
    }
  }, 120_000);

  it("is read with at most PERMISSION_READS_IN_FLIGHT requests at once, every permission found", async () => {
    const proxy = await startCountingProxy(core.url);
    try {
      const source = { ...runtimeConfig(), connectionUri: proxy.url, rolePermissionsMaxAgeMs: 0 };
      const state = await rolesFromCore(source, "public", userId);
      expect(state.roles).toHaveLength(ROLES.length + 1);
      expect(state.permissions).toEqual(expect.arrayContaining(ROLES.map((role) => `${role}:read`)));
      // One read of the roles, one per role for its permissions: never all at once.
      expect(proxy.total).toBe(ROLES.length + 2);
      expect(proxy.maxInFlight).toBeLessThanOrEqual(PERMISSION_READS_IN_FLIGHT);
    } finally {
      await proxy.close();
    }
  });
});
