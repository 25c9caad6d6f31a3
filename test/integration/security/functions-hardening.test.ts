// Findings 8, 9 and 10 of the outside audit, as a client meets them: the last admin cannot demote
// themselves, role names are matched exactly and only roles.json's roles are grantable, and
// GET /session keeps the refresh and anti-CSRF internals to itself. Every shape and wrapper.
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { authRoutes } from "../../../src/handlers/auth-routes.ts";
import { sessionInfo } from "../../../src/handlers/session-info.ts";
import { userRoles } from "../../../src/handlers/user-roles.ts";
import { lambdaHandler } from "../../../src/session/entry-points.ts";
import { readLambdaResult, restApiEvent, type Target } from "../../helpers/events.ts";
import {
  authenticated,
  type Credentials,
  cookieValues,
  decodeJwtPayload,
  sessionTargets,
  signUp,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();

const adminTargets = (): Target[] => sessionTargets(userRoles as never, { requireRoles: ["admin"] });
const holders = async (role: string) => {
  const result = await UserRoles.getUsersThatHaveRole("public", role);
  return result.status === "OK" ? [...result.users].sort() : [];
};
const rolesOf = async (userId: string) =>
  [...(await UserRoles.getRolesForUser("public", userId)).roles].sort();

/** Makes `userIds` the tenant's only admins. */
async function onlyAdmins(...userIds: string[]): Promise<void> {
  for (const holder of await holders("admin")) await UserRoles.removeUserRole("public", holder, "admin");
  for (const userId of userIds) await UserRoles.addRoleToUser("public", userId, "admin");
}

async function signUpAdmin(mode: "cookie" | "header" = "cookie"): Promise<Credentials> {
  const admin = await signUp(mode);
  await UserRoles.addRoleToUser("public", admin.userId, "admin");
  return admin;
}

describe("8. the last admin", () => {
  it("cannot remove their own admin role: 409 on every shape, and they stay admin", async () => {
    const admin = await signUpAdmin();
    await onlyAdmins(admin.userId);
    for (const target of adminTargets()) {
      const reply = await target.call(
        authenticated(admin, { method: "DELETE", path: `/users/${admin.userId}/roles/admin` }),
      );
      expect(reply.status, `${target.name}: ${reply.body}`).toBe(409);
      expect(reply.json).toMatchObject({
        message: "cannot remove the last admin: grant admin to another user first",
        role: "admin",
      });
    }
    expect(await holders("admin")).toEqual([admin.userId]);
    // Still an admin: the very next call goes through.
    const [target] = adminTargets();
    const list = await target!.call(authenticated(admin, { path: `/users/${admin.userId}/roles` }));
    expect(list.status, list.body).toBe(200);
  });

  it("with two admins, one may go; the one left cannot remove themselves", async () => {
    const [first, second] = [await signUpAdmin(), await signUpAdmin("header")];
    await onlyAdmins(first.userId, second.userId);
    const [target] = adminTargets();
    const removeFirst = await target!.call(
      authenticated(second, { method: "DELETE", path: `/users/${first.userId}/roles/admin` }),
    );
    expect(removeFirst.status, removeFirst.body).toBe(200);
    expect(removeFirst.json).toMatchObject({ userId: first.userId, roles: ["user"] });
    const removeSelf = await target!.call(
      authenticated(second, { method: "DELETE", path: `/users/${second.userId}/roles/admin` }),
    );
    expect(removeSelf.status, removeSelf.body).toBe(409);
    expect(await holders("admin")).toEqual([second.userId]);
  });

  it("two admins removing each other at once never leave the tenant without an admin", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await signUpAdmin("header"), await signUpAdmin("header")];
      await onlyAdmins(a.userId, b.userId);
      const [target] = adminTargets();
      const replies = await Promise.all([
        target!.call(authenticated(a, { method: "DELETE", path: `/users/${b.userId}/roles/admin` })),
        target!.call(authenticated(b, { method: "DELETE", path: `/users/${a.userId}/roles/admin` })),
      ]);
      // 403: the other removal landed before this caller's own admin role was read (the guard reads the
      // core on every request), so this caller is no admin any more. Never both gone.
      for (const reply of replies) expect([200, 403, 409], reply.body).toContain(reply.status);
      expect(replies.filter((reply) => reply.status === 200).length).toBeLessThanOrEqual(1);
      expect((await holders("admin")).length, `round ${round}`).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("9. role names", () => {
  it("a name that is not exactly a role name is refused with 400: nothing granted", async () => {
    const admin = await signUpAdmin();
    const victim = await signUp("header");
    const names = [
      "%20admin%20",
      "admin%09",
      "%09admin",
      "admin%20",
      "admin%0A",
      "ad%20min",
      "admin%00",
      "%20",
    ];
    for (const target of adminTargets())
      for (const name of names) {
        const reply = await target.call(
          authenticated(admin, { method: "PUT", path: `/users/${victim.userId}/roles/${name}` }),
        );
        expect(reply.status, `${target.name} ${name}: ${reply.body}`).toBe(400);
        expect((reply.json as { message?: string }).message).toBe("invalid role name");
        expect(reply.body).not.toMatch(/at .*\.(ts|js):\d+/);
      }
    expect(await rolesOf(victim.userId)).toEqual(["user"]);
  });

  it("a padded name cannot revoke either", async () => {
    const [admin, other] = [await signUpAdmin(), await signUpAdmin("header")];
    const [target] = adminTargets();
    const reply = await target!.call(
      authenticated(admin, { method: "DELETE", path: `/users/${other.userId}/roles/%20admin%20` }),
    );
    expect(reply.status, reply.body).toBe(400);
    expect(await rolesOf(other.userId)).toEqual(["admin", "user"]);
  });

  it("a role the core holds but roles.json does not declare is not grantable (400); it may be revoked", async () => {
    await UserRoles.createNewRoleOrAddPermissions("superuser", ["everything"]);
    const admin = await signUpAdmin();
    const victim = await signUp("header");
    for (const target of adminTargets()) {
      const reply = await target.call(
        authenticated(admin, { method: "PUT", path: `/users/${victim.userId}/roles/superuser` }),
      );
      expect(reply.status, `${target.name}: ${reply.body}`).toBe(400);
      expect(reply.json).toEqual({ message: "role not grantable", role: "superuser" });
    }
    expect(await rolesOf(victim.userId)).toEqual(["user"]);

    // Taking away a role nobody may grant is still possible (cleaning up after the CLI or a migration).
    await UserRoles.addRoleToUser("public", victim.userId, "superuser");
    const [target] = adminTargets();
    const revoked = await target!.call(
      authenticated(admin, { method: "DELETE", path: `/users/${victim.userId}/roles/superuser` }),
    );
    expect(revoked.status, revoked.body).toBe(200);
    expect(await rolesOf(victim.userId)).toEqual(["user"]);
  });

  it("declared roles are still granted, and a name the core does not know is 'unknown role'", async () => {
    const admin = await signUpAdmin();
    const victim = await signUp("header");
    const [target] = adminTargets();
    const granted = await target!.call(
      authenticated(admin, { method: "PUT", path: `/users/${victim.userId}/roles/editor` }),
    );
    expect(granted.status, granted.body).toBe(200);
    expect(await rolesOf(victim.userId)).toEqual(["editor", "user"]);
    const unknown = await target!.call(
      authenticated(admin, { method: "PUT", path: `/users/${victim.userId}/roles/astronaut` }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ message: "unknown role", role: "astronaut" });
  });
});

describe("10. GET /session", () => {
  const INTERNALS = ["antiCsrfToken", "refreshTokenHash1", "parentRefreshTokenHash1"];

  it("answers without refresh and anti-CSRF internals, after sign up and after a refresh", async () => {
    const signedUp = await signUp("cookie");
    // A refreshed token also carries parentRefreshTokenHash1.
    const refreshed = readLambdaResult(
      await lambdaHandler(authRoutes)(
        restApiEvent({
          method: "POST",
          path: "/auth/session/refresh",
          headers: { "st-auth-mode": "cookie", "anti-csrf": signedUp.antiCsrf! },
          cookies: { sRefreshToken: signedUp.refreshToken! },
        }),
      ),
    );
    expect(refreshed.status, refreshed.body).toBe(200);
    const afterRefresh: Credentials = {
      ...signedUp,
      accessToken: cookieValues(refreshed.cookies).sAccessToken!,
      antiCsrf: refreshed.headers.get("anti-csrf") ?? signedUp.antiCsrf,
    };
    expect(decodeJwtPayload(afterRefresh.accessToken)).toHaveProperty("parentRefreshTokenHash1");
    for (const credentials of [signedUp, afterRefresh, await signUp("header")]) {
      const token = decodeJwtPayload(credentials.accessToken);
      for (const target of sessionTargets(sessionInfo as never)) {
        const reply = await target.call(authenticated(credentials, { path: "/session" }));
        expect(reply.status, `${target.name}: ${reply.body}`).toBe(200);
        const body = reply.json as Record<string, unknown> & { payload: Record<string, unknown> };
        for (const name of INTERNALS) {
          expect(reply.body, `${target.name}: ${name}`).not.toContain(name);
          const value = token[name];
          if (typeof value === "string" && value.length > 0) expect(reply.body).not.toContain(value);
        }
        // The handle is answered once, as sessionHandle; what the demo and the tests read stays.
        expect(body).toMatchObject({
          userId: credentials.userId,
          sessionHandle: token.sessionHandle,
          role: "user",
          roles: ["user"],
          permissions: ["content:read"],
          payload: { role: "user", "st-role": { v: ["user"] }, sub: credentials.userId },
        });
        expect(body.payload).not.toHaveProperty("sessionHandle");
      }
    }
  });
});
