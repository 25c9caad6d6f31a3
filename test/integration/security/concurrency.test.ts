// Concurrency: 50 parallel update-role calls on one session (while roles are granted concurrently
// through UserRoles and through the admin user-roles function) and 50 on different sessions.
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeAll, describe, expect, it } from "vitest";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { createUserRoles } from "../../../src/handlers/user-roles.ts";
import { verifySession } from "../../../src/session/verify-session.ts";
import { type Reply, readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import { splitJwt } from "../../helpers/forge.ts";
import {
  authenticated,
  type Credentials,
  createSession,
  decodeJwtPayload,
  issuedAccessToken,
  refreshSession,
  signUp,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
const EXTRA_ROLES = Array.from({ length: 10 }, (_, i) => `extra-${i}`);
beforeAll(async () => {
  for (const role of EXTRA_ROLES) await UserRoles.createNewRoleOrAddPermissions(role, [`${role}:perm`]);
});

const update = verifySession(updateRole);
// Its extra-* roles are not in roles.json: this admin may grant any role the core holds.
const admin = verifySession(createUserRoles({ grantable: "any" }), { requireRoles: ["admin"] });

const callUpdate = async (credentials: Credentials) =>
  readLambdaResult(
    await update(restApiEvent(authenticated(credentials, { method: "POST", path: "/update-role" }))),
  );

/** 200, or a status the client retries on (401 try refresh token, 503): nothing else. */
function expectOkOrRetryable(reply: Reply) {
  if (reply.status === 200) return;
  expect([401, 503], reply.body).toContain(reply.status);
  if (reply.status === 401) expect(reply.json).toEqual({ message: "try refresh token" });
}

function expectRoleKeys(token: string) {
  const payload = decodeJwtPayload(token);
  expect(payload).toHaveProperty("role");
  expect(payload).toHaveProperty("st-role.v");
  expect(payload).toHaveProperty("st-perm.v");
  return payload as { role: string | null; "st-role": { v: string[] }; "st-perm": { v: string[] } };
}

describe("50 concurrent update-role calls", () => {
  it("on one session, while roles are granted concurrently: no lost grant, no false theft, consistent payload", async () => {
    const victim = await signUp("header");
    const adminSession = await createSession("header", `admin-${process.pid}`);
    await UserRoles.addRoleToUser("public", adminSession.userId, "admin");
    const handle = String(splitJwt(victim.accessToken).payload.sessionHandle);

    const grantViaApi = (role: string) =>
      admin(
        restApiEvent(
          authenticated(adminSession, {
            method: "PUT",
            path: `/users/${encodeURIComponent(victim.userId)}/roles/${role}`,
          }),
        ),
      ).then(readLambdaResult);
    const grants = [
      ...EXTRA_ROLES.slice(0, 5).map((role) => UserRoles.addRoleToUser("public", victim.userId, role)),
      ...EXTRA_ROLES.slice(5).map(grantViaApi),
    ];
    const updates = Array.from({ length: 50 }, () => callUpdate(victim));
    const [granted, replies] = await Promise.all([Promise.all(grants), Promise.all(updates)]);

    for (const result of granted) {
      if ("status" in result && typeof result.status === "number")
        expect(result.status, result.body).toBe(200);
      else expect((result as { status: string }).status).toBe("OK");
    }
    const statuses: Record<number, number> = {};
    for (const reply of replies) {
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
      expectOkOrRetryable(reply);
      if (reply.status === 200) expectRoleKeys(issuedAccessToken(reply, "header")!);
    }
    expect(statuses[200] ?? 0).toBeGreaterThan(0);

    // No lost grant: every role is in the core.
    const { roles } = await UserRoles.getRolesForUser("public", victim.userId);
    expect([...roles].sort()).toEqual(["user", ...EXTRA_ROLES].sort());
    // No false theft: the session is alive and its refresh token works.
    expect(await Session.getSessionInformation(handle)).toBeDefined();
    const refreshed = await refreshSession(victim);
    expect(refreshed.status, refreshed.body).toBe(200);
    // One more update with the refreshed token: the payload holds exactly the core's roles.
    const finalReply = await callUpdate({
      ...victim,
      accessToken: refreshed.headers.get("st-access-token")!,
    });
    expect(finalReply.status).toBe(200);
    const payload = expectRoleKeys(issuedAccessToken(finalReply, "header")!);
    expect([...payload["st-role"].v].sort()).toEqual([...roles].sort());
    expect(payload.role).toBe("user");
    expect(payload["st-perm"].v).toEqual(expect.arrayContaining(EXTRA_ROLES.map((role) => `${role}:perm`)));
    console.log(JSON.stringify({ concurrency: "one session", statuses, grants: grants.length }));
  });

  it("on 50 different sessions: each answers 200 with its own user's role", async () => {
    const roleOf = (i: number) => (["user", "editor", "admin"] as const)[i % 3]!;
    const sessions = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const credentials = await createSession(
          i % 2 === 0 ? "header" : "cookie",
          `multi-${process.pid}-${i}`,
        );
        await UserRoles.addRoleToUser("public", credentials.userId, roleOf(i));
        return credentials;
      }),
    );
    const replies = await Promise.all(sessions.map(callUpdate));
    replies.forEach((reply, i) => {
      expect(reply.status, reply.body).toBe(200);
      const token = issuedAccessToken(reply, sessions[i]!.mode)!;
      expect(expectRoleKeys(token).role).toBe(roleOf(i));
      expect(decodeJwtPayload(token).sub).toBe(sessions[i]!.userId);
    });
    for (const credentials of sessions) {
      const handle = String(splitJwt(credentials.accessToken).payload.sessionHandle);
      expect(await Session.getSessionInformation(handle)).toBeDefined();
    }
  });
});
