// A role change through the admin API for a user with 3,000 live sessions: 200 within the invocation,
// the fan-out bounded by time and concurrency, and every session right at its next refresh.
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeAll, describe, expect, it } from "vitest";
import { type LiveSession, openCurrentSessions, removeRoleAsAdmin } from "../../helpers/many-sessions.ts";
import { type Credentials, decodeJwtPayload, signUp, withSuperTokens } from "../../helpers/session-client.ts";

const core = withSuperTokens();
const SESSIONS = 3000;
/** What the invocation has left when the DELETE arrives: API Gateway's 29 s are rarely all there. */
const REMAINING_MS = 2500;

describe(`demoting a user with ${SESSIONS} live sessions`, () => {
  let adminUser: Credentials;
  let victim: Credentials;
  let sessions: LiveSession[];

  beforeAll(async () => {
    adminUser = await signUp("header");
    await UserRoles.addRoleToUser("public", adminUser.userId, "admin");
    victim = await signUp("header");
    await UserRoles.addRoleToUser("public", victim.userId, "editor");
    sessions = await openCurrentSessions(core, victim.userId, SESSIONS);
  }, 120_000);

  it("answers 200 within the invocation, saying how many sessions were updated now and how many at refresh", async () => {
    core.clearRequests();
    const { reply, tookMs: took } = await removeRoleAsAdmin(adminUser, victim.userId, "editor", REMAINING_MS);
    expect(reply.status, reply.body).toBe(200);
    const answer = reply.json as { roles: string[]; sessionsUpdated: number; sessionsAtNextRefresh: number };
    expect(answer.roles).toEqual(["user"]);
    // Every session of the user: the 3,000 plus the one signed up.
    expect(answer.sessionsUpdated + answer.sessionsAtNextRefresh).toBe(SESSIONS + 1);
    expect(took).toBeLessThan(REMAINING_MS);
    expect((await UserRoles.getRolesForUser("public", victim.userId)).roles).toEqual(["user"]);
    console.log(JSON.stringify({ fanOut: { ...answer, roles: undefined, permissions: undefined, took } }));
  });

  it("and every one of the sessions is right at its next refresh", async () => {
    for (let i = 0; i < sessions.length; i += 50) {
      const batch = sessions.slice(i, i + 50);
      const refreshed = await Promise.all(
        batch.map((session) => Session.refreshSessionWithoutRequestResponse(session.refreshToken)),
      );
      for (const session of refreshed) {
        const payload = session.getAccessTokenPayload();
        expect(payload.role).toBe("user");
        expect((payload["st-role"] as { v: string[] }).v).toEqual(["user"]);
        expect(decodeJwtPayload(session.getAccessToken())["st-perm"]).toMatchObject({ v: ["content:read"] });
      }
    }
  }, 120_000);
});
