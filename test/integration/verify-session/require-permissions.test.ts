// requirePermissions: the user's roles read from the core on every request, like requireRoles, so a
// permission revoked with the role that grants it is refused at once; one taken from the role is
// refused once the role's cached permissions pass ROLE_PERMISSIONS_MAX_AGE_SECONDS (1 s here).
import type { SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import { httpApiAuthorizerEvent, type SimpleAuthorizerAnswer } from "../../helpers/authorizer-events.ts";
import {
  afterRefresh,
  afterReply,
  authenticated,
  decodeJwtPayload,
  invalidClaim,
  issuedAccessToken,
  refreshSession,
  sessionTargets,
  signUp,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const core = withSuperTokens({ env: { ROLE_PERMISSIONS_MAX_AGE_SECONDS: "1" } });
const user = withSignedInUser("header", signUp);
const publisher = withSignedInUser("header", signUp);

const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

describe.each(sessionTargets(ok, { requirePermissions: ["content:write"] }))("$name", (target) => {
  it("refuses a user whose roles lack the permission with 403, and lets them in once a role grants it", async () => {
    await UserRoles.removeUserRole("public", user.userId, "editor");
    const refused = await target.call(authenticated(user, { path: "/write" }));
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject(
      invalidClaim("st-perm", { message: "wrong value", expectedToInclude: "content:write" }),
    );

    await UserRoles.addRoleToUser("public", user.userId, "editor");
    const allowed = await target.call(authenticated(user, { path: "/write" }));
    expect(allowed.status, allowed.body).toBe(200);
    expect(allowed.json).toEqual({ userId: user.userId });
    const permissions = (
      decodeJwtPayload(issuedAccessToken(allowed, "header")!)["st-perm"] as { v: string[] }
    ).v;
    expect(permissions).toContain("content:write");
  });
});

describe("a permission taken from a role", () => {
  const [target] = sessionTargets(ok, { requirePermissions: ["content:write"] });
  it("is refused once ROLE_PERMISSIONS_MAX_AGE_SECONDS have passed", async () => {
    await UserRoles.addRoleToUser("public", user.userId, "editor");
    expect((await target!.call(authenticated(user, { path: "/write" }))).status).toBe(200);
    await UserRoles.removePermissionsFromRole("editor", ["content:write"]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const refused = await target!.call(authenticated(user, { path: "/write" }));
      expect(refused.status).toBe(403);
      // The token was rewritten with the permission gone, in the same answer.
      const permissions = (
        decodeJwtPayload(issuedAccessToken(refused, "header")!)["st-perm"] as { v: string[] }
      ).v;
      expect(permissions).not.toContain("content:write");
    } finally {
      await UserRoles.createNewRoleOrAddPermissions("editor", ["content:write"]);
    }
  });
});

describe("the authorizer", () => {
  const authorize = sessionAuthorizer({
    routes: { "GET /write": { requirePermissions: ["content:review"] } },
  });
  const ask = async (token: string) =>
    (await authorize(httpApiAuthorizerEvent(token, "GET /write"))) as SimpleAuthorizerAnswer;

  it("denies a permission taken from a role once ROLE_PERMISSIONS_MAX_AGE_SECONDS (1 s here) have passed", async () => {
    // A role of this test's own, so no permission list cached by the tests above is read.
    await UserRoles.createNewRoleOrAddPermissions("reviewer", ["content:review"]);
    await UserRoles.addRoleToUser("public", user.userId, "reviewer");
    expect((await ask(user.accessToken)).isAuthorized).toBe(true);
    await UserRoles.removePermissionsFromRole("reviewer", ["content:review"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ask(user.accessToken)).isAuthorized).toBe(false);
  });
});

describe("a guard that requires roles only", () => {
  const [target] = sessionTargets(ok, { requireRoles: ["publisher"] });
  const permissionsIn = (token: string) => (decodeJwtPayload(token)["st-perm"] as { v: string[] }).v;

  it("keeps the token when only a role's permissions changed; the next refresh carries them", async () => {
    // A role of this test's own, so no permission list cached by the tests above is read.
    await UserRoles.createNewRoleOrAddPermissions("publisher", ["content:publish"]);
    await UserRoles.addRoleToUser("public", publisher.userId, "publisher");
    const granted = await target!.call(authenticated(publisher, { path: "/publish" }));
    expect(granted.status, granted.body).toBe(200);
    // The roles changed: the token is rewritten with the role and its permissions.
    let holder = afterReply(publisher, granted);
    expect(permissionsIn(holder.accessToken)).toContain("content:publish");

    await UserRoles.removePermissionsFromRole("publisher", ["content:publish"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    core.clearRequests();
    const same = await target!.call(authenticated(holder, { path: "/publish" }));
    expect(same.status).toBe(200);
    // Same roles: no write, although the role's permissions changed (the cached ones have expired)
    // — and no permission read: a roles-only guard compares roles alone.
    expect(issuedAccessToken(same, "header")).toBeUndefined();
    expect(core.requests.map((request) => request.path)).not.toContain("/recipe/role/permissions");
    expect(core.requests.map((request) => request.path)).toContain("/public/recipe/user/roles");

    const refreshed = await refreshSession(holder);
    expect(refreshed.status, refreshed.body).toBe(200);
    holder = afterRefresh(holder, refreshed);
    expect(permissionsIn(holder.accessToken)).not.toContain("content:publish");
  });
});
