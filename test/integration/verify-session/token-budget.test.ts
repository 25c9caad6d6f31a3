// Issue #18: a user whose roles carry thousands of permissions still gets an access token a browser keeps
// and API Gateway accepts. Past the budget the token leaves st-perm (then st-role) out and says so;
// guards, the authorizer and rolesOfSession read the core instead, so no check gets weaker.
import Session, { type SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { runtimeConfig } from "../../../src/config/index.ts";
import { sessionInfo } from "../../../src/handlers/session-info.ts";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { rolesFromCore } from "../../../src/roles/from-core.ts";
import {
  ACCESS_TOKEN_BUDGET,
  COMPACTED_KEY,
  estimateTokenSizes,
  FRONT_TOKEN_BUDGET,
  fitPayload,
} from "../../../src/roles/token-budget.ts";
import { rolePayload } from "../../../src/roles/token-write.ts";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import { httpApiAuthorizerEvent } from "../../helpers/authorizer-events.ts";
import type { Reply } from "../../helpers/events.ts";
import {
  afterRefresh,
  afterReply,
  authenticated,
  type Credentials,
  createSession,
  decodeFrontToken,
  decodeJwtPayload,
  invalidClaim,
  issuedAccessToken,
  parseSetCookie,
  refreshSession,
  sessionTargets,
  signUp,
  submitCredentials,
  type TransferMode,
  uniqueEmail,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const core = withSuperTokens();

/** The shape: 30 roles, each with 150 permissions of its own (4,500 in all). */
const TEAMS = Array.from({ length: 30 }, (_, i) => `team-${String(i).padStart(2, "0")}`);
const PER_TEAM = 150;
const permission = (n: number) => `organisation:project-${n}:documents:write`;
const teamPermissions = (team: number) =>
  Array.from({ length: PER_TEAM }, (_, i) => permission(team * PER_TEAM + i));
/** Held only through team-17. */
const VIA_TEAM_17 = permission(17 * PER_TEAM + 42);
const NOBODY_HOLDS = permission(999_999);
/** 100 roles whose names alone are far past the budget. */
const LONG_ROLES = Array.from(
  { length: 100 },
  (_, i) => `department-${String(i).padStart(3, "0")}:organisation-wide-document-reviewers`,
);
/** The small user's one role grants the same permission the big user holds only via team-17. */
const SOLO = "solo-reviewer";

const modes: TransferMode[] = ["cookie", "header"];
/** Browsers keep a cookie only while its name and value stay within 4,096 bytes. */
const COOKIE_LIMIT = 4096;

beforeAll(async () => {
  await Promise.all(
    TEAMS.map((team, i) => UserRoles.createNewRoleOrAddPermissions(team, teamPermissions(i))),
  );
  await Promise.all(
    LONG_ROLES.map((role) => UserRoles.createNewRoleOrAddPermissions(role, ["content:read"])),
  );
  await UserRoles.createNewRoleOrAddPermissions(SOLO, [VIA_TEAM_17]);
}, 120_000);

async function grant(userId: string, roles: readonly string[]) {
  await Promise.all(roles.map((role) => UserRoles.addRoleToUser("public", userId, role)));
}

/** A session opened while the user held nothing (a small token), then the 30 roles granted in the core. */
async function bigUser(mode: TransferMode): Promise<Credentials> {
  const user = await createSession(mode);
  await grant(user.userId, TEAMS);
  return user;
}

interface Issued {
  token: string;
  payload: Record<string, unknown>;
}

/**
 * What the client got: the new access token and front token, each within the budget and within what a
 * browser keeps as a cookie (`sAccessToken`, or the SDK's `st-access-token` in header mode; `sFrontToken`).
 */
function expectFits(reply: Reply, mode: TransferMode): Issued {
  const token = issuedAccessToken(reply, mode);
  expect(token, "a new access token").toBeDefined();
  expect(token!.length).toBeLessThanOrEqual(ACCESS_TOKEN_BUDGET);
  if (mode === "cookie") {
    const line = reply.cookies.find((cookie) => cookie.startsWith("sAccessToken="))!;
    const cookie = parseSetCookie(line);
    expect(cookie.name.length + 1 + cookie.value.length).toBeLessThan(COOKIE_LIMIT);
    expect(line.length, "the whole Set-Cookie line").toBeLessThan(COOKIE_LIMIT);
  } else {
    expect(`st-access-token=${token}`.length).toBeLessThan(COOKIE_LIMIT);
    expect(`Authorization: Bearer ${token}`.length).toBeLessThanOrEqual(ACCESS_TOKEN_BUDGET + 22);
  }
  const front = reply.headers.get("front-token");
  expect(front).toBeTruthy();
  expect(front!.length).toBeLessThanOrEqual(FRONT_TOKEN_BUDGET);
  expect(`sFrontToken=${front}`.length).toBeLessThan(COOKIE_LIMIT);
  const payload = decodeJwtPayload(token!);
  // The page sees the same payload as the token carries.
  expect(decodeFrontToken(front!).up).toEqual(payload);
  return { token: token!, payload };
}

const claim = (payload: Record<string, unknown>, key: string) =>
  (payload[key] as { v: string[] } | undefined)?.v;

let warn: MockInstance<typeof console.warn>;
beforeAll(() => {
  // Observed, not replaced: the lines still reach stderr.
  warn = vi.spyOn(console, "warn");
});
afterEach(() => warn.mockClear());
const warnings = () =>
  warn.mock.calls
    .map(([line]) => {
      try {
        return JSON.parse(String(line)) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })
    .filter((line) => line?.message === "access token compacted to fit its size budget");

const updaters = sessionTargets(updateRole as never);
const readers = sessionTargets((({ session }: { session: SessionContainer }) => ({
  payload: session.getAccessTokenPayload(),
})) as never);

describe.each(
  updaters.flatMap((target, i) =>
    modes.map((mode) => ({ name: `${target.name}, ${mode} mode`, target, reader: readers[i]!, mode })),
  ),
)("update-role for 30 roles × 150 permissions: $name", ({ target, reader, mode }) => {
  it("answers 200 with a token within the budget, st-perm left out and marked, the core's lists in the body", async () => {
    const user = await bigUser(mode);
    const reply = await target.call(authenticated(user, { method: "POST", path: "/update-role" }));
    expect(reply.status, reply.body.slice(0, 300)).toBe(200);
    const body = reply.json as { role: string | null; roles: string[]; permissions: string[] };
    expect([...body.roles].sort()).toEqual(TEAMS);
    expect(body.permissions).toHaveLength(TEAMS.length * PER_TEAM);

    const { payload } = expectFits(reply, mode);
    expect(payload.role).toBe("team-00");
    expect([...claim(payload, "st-role")!].sort()).toEqual(TEAMS);
    expect(payload).not.toHaveProperty("st-perm");
    // `scope` goes with st-perm: a route that demands scopes then fails closed at the JWT authorizer.
    expect(payload).not.toHaveProperty("scope");
    expect(payload[COMPACTED_KEY]).toEqual(["st-perm"]);
    // The core holds the same compact payload: a refresh re-signs this, not the full lists.
    const stored = await Session.getSessionInformation(String(payload.sessionHandle));
    expect(stored?.customClaimsInAccessTokenPayload).not.toHaveProperty("st-perm");
    expect(stored?.customClaimsInAccessTokenPayload).not.toHaveProperty("scope");
    expect(stored?.customClaimsInAccessTokenPayload[COMPACTED_KEY]).toEqual(["st-perm"]);

    // One warning for this session, naming the user and the sizes.
    expect(warnings()).toEqual([
      expect.objectContaining({
        userId: user.userId,
        sessionHandle: payload.sessionHandle,
        omitted: ["st-perm"],
        budgetBytes: ACCESS_TOKEN_BUDGET,
        accessTokenBytes: {
          full: expect.any(Number),
          compacted: expect.any(Number),
        },
      }),
    ]);
    const [line] = warnings();
    expect((line!.accessTokenBytes as { full: number }).full).toBeGreaterThan(100_000);

    // The token works, and the next update of a compacted token warns no more.
    const next = afterReply(user, reply);
    expect((await reader.call(authenticated(next, { path: "/whoami" }))).status).toBe(200);
    warn.mockClear();
    const again = await target.call(authenticated(next, { method: "POST", path: "/update-role" }));
    expect(again.status).toBe(200);
    expectFits(again, mode);
    expect(warnings()).toEqual([]);
  });
});

describe("the guards allow and refuse exactly as for a small token", () => {
  type Size = "small" | "big";
  /** The role through which each user holds VIA_TEAM_17. */
  const roleOf: Record<Size, string> = { small: SOLO, big: "team-17" };
  const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });
  const targetsFor = (size: Size) => ({
    held: sessionTargets(ok, { requirePermissions: [VIA_TEAM_17] }),
    missing: sessionTargets(ok, { requirePermissions: [NOBODY_HOLDS] }),
    role: sessionTargets(ok, { requireRoles: [roleOf[size]] }),
    admin: sessionTargets(ok, { requireRoles: ["admin"] }),
  });
  const targets = { small: targetsFor("small"), big: targetsFor("big") };

  /** Every guard's answer, then the same after revoking the role that grants the permission. */
  async function outcomes(size: Size, index: number, mode: TransferMode): Promise<number[]> {
    let user = await createSession(mode);
    await grant(user.userId, size === "big" ? TEAMS : [SOLO]);
    const set = targets[size];
    const statuses: number[] = [];
    const call = async (group: keyof typeof set) => {
      const reply = await set[group][index]!.call(authenticated(user, { path: `/${group}` }));
      statuses.push(reply.status);
      if (issuedAccessToken(reply, mode)) {
        const { payload } = expectFits(reply, mode);
        expect(payload[COMPACTED_KEY]).toEqual(size === "big" ? ["st-perm"] : undefined);
        user = afterReply(user, reply);
      }
      return reply;
    };
    await call("held");
    const missing = await call("missing");
    if (missing.status === 403)
      expect(missing.json).toMatchObject(invalidClaim("st-perm", { expectedToInclude: NOBODY_HOLDS }));
    await call("role");
    await call("admin");
    await UserRoles.removeUserRole("public", user.userId, roleOf[size]);
    await call("held");
    await call("role");
    await UserRoles.addRoleToUser("public", user.userId, roleOf[size]);
    await call("held");
    return statuses;
  }

  const cases = targets.small.held.flatMap((target, index) =>
    modes.map((mode) => ({ name: `${target.name}, ${mode} mode`, index, mode })),
  );
  it.each(cases)("$name", async ({ index, mode }) => {
    const expected = [200, 403, 200, 403, 403, 403, 200];
    expect(await outcomes("small", index, mode)).toEqual(expected);
    expect(await outcomes("big", index, mode)).toEqual(expected);
  });
});

describe("roles past the budget too", () => {
  const updater = updaters[0]!;
  const guarded = sessionTargets(
    (({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() })) as never,
    { requireRoles: [LONG_ROLES[57]!] },
  );

  it.each(modes)(
    "keeps `role`, leaves st-role and st-perm out, and requireRoles still decides (%s mode)",
    async (mode) => {
      let user = await createSession(mode);
      await grant(user.userId, LONG_ROLES);
      const reply = await updater.call(authenticated(user, { method: "POST", path: "/update-role" }));
      expect(reply.status).toBe(200);
      const { payload } = expectFits(reply, mode);
      expect(payload.role).toBe(LONG_ROLES[0]);
      expect(payload).not.toHaveProperty("st-role");
      expect(payload).not.toHaveProperty("st-perm");
      expect(payload[COMPACTED_KEY]).toEqual(["st-perm", "st-role"]);
      expect(warnings()).toEqual([expect.objectContaining({ omitted: ["st-perm", "st-role"] })]);
      user = afterReply(user, reply);

      for (const target of guarded) {
        const allowed = await target.call(authenticated(user, { path: "/reviewers" }));
        expect(allowed.status, target.name).toBe(200);
        // The compact token already says all it can: the guard read the core and wrote nothing.
        expect(issuedAccessToken(allowed, mode), target.name).toBeUndefined();
      }
      await UserRoles.removeUserRole("public", user.userId, LONG_ROLES[57]!);
      for (const target of guarded)
        expect((await target.call(authenticated(user, { path: "/reviewers" }))).status, target.name).toBe(
          403,
        );
    },
  );
});

describe.each(modes)("the session lives on (%s mode)", (mode) => {
  const guarded = sessionTargets(
    (({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() })) as never,
    { requirePermissions: [VIA_TEAM_17] },
  );

  it("refresh through the auth routes answers 200 with a compact token that the guards accept", async () => {
    let user = await bigUser(mode);
    const updated = await updaters[0]!.call(authenticated(user, { method: "POST", path: "/update-role" }));
    expect(updated.status).toBe(200);
    user = afterReply(user, updated);

    const refreshed = await refreshSession(user);
    expect(refreshed.status, refreshed.body).toBe(200);
    const { payload } = expectFits(refreshed, mode);
    expect(payload[COMPACTED_KEY]).toEqual(["st-perm"]);
    user = afterRefresh(user, refreshed);
    for (const target of guarded) {
      const reply = await target.call(authenticated(user, { path: "/write" }));
      expect(reply.status, target.name).toBe(200);
      user = afterReply(user, reply);
    }
    // And once more: the rotated refresh token works too.
    expect((await refreshSession(user)).status).toBe(200);
  });

  it("sign in as a user who already holds the 30 roles: the new session's token is compact from the start", async () => {
    const email = uniqueEmail("big");
    const signedUp = await signUp(mode, email);
    await grant(signedUp.userId, TEAMS);
    warn.mockClear();
    const reply = await submitCredentials("signin", mode, email);
    expect(reply.status, reply.body).toBe(200);
    const { payload } = expectFits(reply, mode);
    expect(payload.role).toBe("user"); // DEFAULT_ROLE comes first in ROLE_PRECEDENCE
    expect([...claim(payload, "st-role")!].sort()).toEqual([...TEAMS, "user"].sort());
    expect(payload[COMPACTED_KEY]).toEqual(["st-perm"]);
    expect(warnings()).toEqual([
      expect.objectContaining({ userId: signedUp.userId, via: "createNewSession" }),
    ]);
  });

  it("a session stored oversized before the budget is rewritten compact at its next refresh", async () => {
    const user = await bigUser(mode);
    const handle = String(decodeJwtPayload(user.accessToken).sessionHandle);
    // What the core held before this fix: the full lists, written straight to the core.
    const state = await rolesFromCore(
      { ...runtimeConfig(), rolePrecedence: ["admin", "editor", "user"] },
      "public",
      user.userId,
    );
    const put = await fetch(`${core.url}/recipe/jwt/data`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sessionHandle: handle, userDataInJWT: rolePayload(state) }),
    });
    expect(put.status).toBe(200);
    const oversized = estimateTokenSizes(rolePayload(state), {
      userId: user.userId,
      recipeUserId: user.userId,
      tenantId: "public",
    });
    expect(oversized.accessToken).toBeGreaterThan(100_000);

    const refreshed = await refreshSession(user);
    expect(refreshed.status, refreshed.body.slice(0, 300)).toBe(200);
    const { payload } = expectFits(refreshed, mode);
    expect(payload[COMPACTED_KEY]).toEqual(["st-perm"]);
    expect(
      (await Session.getSessionInformation(handle))?.customClaimsInAccessTokenPayload,
    ).not.toHaveProperty("st-perm");
    const next = afterRefresh(user, refreshed);
    expect((await guarded[0]!.call(authenticated(next, { path: "/write" }))).status).toBe(200);
  });
});

describe("writes by session handle (the admin API's sync of every session of a user)", () => {
  it("stores a compact payload, and a complete one again once the roles shrink", async () => {
    const user = await bigUser("header");
    const handle = String(decodeJwtPayload(user.accessToken).sessionHandle);
    const precedence = ["admin", "editor", "user"];
    const big = await rolesFromCore(
      { ...runtimeConfig(), rolePrecedence: precedence },
      "public",
      user.userId,
    );
    expect(await Session.mergeIntoAccessTokenPayload(handle, rolePayload(big))).toBe(true);
    let stored = (await Session.getSessionInformation(handle))!.customClaimsInAccessTokenPayload;
    expect(stored[COMPACTED_KEY]).toEqual(["st-perm"]);
    expect(stored).not.toHaveProperty("st-perm");
    expect(stored["st-role"].v.sort()).toEqual(TEAMS);
    expect(warnings()).toEqual([
      expect.objectContaining({
        userId: user.userId,
        sessionHandle: handle,
        via: "mergeIntoAccessTokenPayload",
      }),
    ]);

    const refreshed = await refreshSession(user);
    expect(refreshed.status).toBe(200);
    expect(expectFits(refreshed, "header").payload[COMPACTED_KEY]).toEqual(["st-perm"]);

    await Promise.all(TEAMS.map((team) => UserRoles.removeUserRole("public", user.userId, team)));
    await grant(user.userId, [SOLO]);
    const small = await rolesFromCore(
      { ...runtimeConfig(), rolePrecedence: precedence },
      "public",
      user.userId,
    );
    expect(await Session.mergeIntoAccessTokenPayload(handle, rolePayload(small))).toBe(true);
    stored = (await Session.getSessionInformation(handle))!.customClaimsInAccessTokenPayload;
    expect(stored).not.toHaveProperty(COMPACTED_KEY);
    expect(stored["st-perm"].v).toEqual([VIA_TEAM_17]);
    expect(stored["st-role"].v).toEqual([SOLO]);
  });
});

describe("GET /session (the session function's handler, through rolesOfSession)", () => {
  const roles = sessionTargets(sessionInfo as never);

  it("reads a compacted token's lists from the core, and a complete token's from the token alone", async () => {
    let user = await bigUser("header");
    const updated = await updaters[0]!.call(authenticated(user, { method: "POST", path: "/update-role" }));
    user = afterReply(user, updated);
    for (const target of roles) {
      const reply = await target.call(authenticated(user, { path: "/session" }));
      expect(reply.status, target.name).toBe(200);
      const answer = reply.json as { roles: string[]; permissions: string[]; compacted: string[] };
      expect(answer.compacted).toEqual(["st-perm"]);
      expect([...answer.roles].sort()).toEqual(TEAMS);
      expect(answer.permissions).toHaveLength(TEAMS.length * PER_TEAM);
      expect(answer.permissions).toContain(VIA_TEAM_17);
    }

    const small = await createSession("header");
    await grant(small.userId, [SOLO]);
    const reply = await updaters[0]!.call(authenticated(small, { method: "POST", path: "/update-role" }));
    const complete = afterReply(small, reply);
    core.clearRequests();
    const answer = (await roles[0]!.call(authenticated(complete, { path: "/session" }))).json;
    expect(answer).toMatchObject({ role: SOLO, roles: [SOLO], permissions: [VIA_TEAM_17], compacted: [] });
    expect(core.requests.filter((request) => request.path.includes("/recipe/"))).toEqual([]);
  });
});

describe("the authorizer", () => {
  const authorize = sessionAuthorizer({ requirePermissions: [VIA_TEAM_17] });
  const event = (token: string) => httpApiAuthorizerEvent(token);

  it("allows by the core's permissions and hands all 4,500 of them on, whatever the token left out", async () => {
    let user = await bigUser("header");
    user = afterReply(
      user,
      await updaters[0]!.call(authenticated(user, { method: "POST", path: "/update-role" })),
    );
    expect(decodeJwtPayload(user.accessToken)[COMPACTED_KEY]).toEqual(["st-perm"]);
    const answer = (await authorize(event(user.accessToken))) as {
      isAuthorized: boolean;
      context: Record<string, string>;
    };
    expect(answer.isAuthorized).toBe(true);
    const permissions = answer.context.permissions!.split(",");
    expect(permissions).toHaveLength(TEAMS.length * PER_TEAM);
    expect(permissions).toContain(VIA_TEAM_17);
    // The context reaches the integration inside its event (Lambda: 6 MB), not as a header: measured here.
    const bytes = JSON.stringify(answer).length;
    console.log(JSON.stringify({ authorizerContextBytes: bytes, permissions: permissions.length }));
    expect(bytes).toBeLessThan(6 * 1024 * 1024);

    await UserRoles.removeUserRole("public", user.userId, "team-17");
    expect(((await authorize(event(user.accessToken))) as { isAuthorized: boolean }).isAuthorized).toBe(
      false,
    );
  });
});

describe("the budget itself", () => {
  const ok = sessionTargets((async ({ session }: { session: SessionContainer }) => {
    await session.mergeIntoAccessTokenPayload({ note: "x".repeat(5000) });
    return { merged: true };
  }) as never);

  it("refuses a write that nothing we may leave out can make fit: 500, no token, the old one still valid", async () => {
    const user = await createSession("header");
    for (const target of ok) {
      const reply = await target.call(authenticated(user, { method: "POST", path: "/note" }));
      expect(reply.status, target.name).toBe(500);
      expect(issuedAccessToken(reply, "header")).toBeUndefined();
    }
    const stored = await Session.getSessionInformation(
      String(decodeJwtPayload(user.accessToken).sessionHandle),
    );
    expect(stored?.customClaimsInAccessTokenPayload).not.toHaveProperty("note");
    expect((await readers[0]!.call(authenticated(user, { path: "/whoami" }))).status).toBe(200);
  });

  it("never under-estimates what the core signs", async () => {
    const payloads: Record<string, unknown>[] = [
      {},
      { role: "user", note: "<a href='x'>&=</a>".repeat(10) },
      { role: "ünïcödé", note: "日本語のロール😀".repeat(8) },
      rolePayload({ role: "a", roles: ["a"], permissions: teamPermissions(3).slice(0, 20) }),
    ];
    for (const payload of payloads) {
      const user = await createSession("header", `estimate-${"x".repeat(40)}-${Math.random()}`);
      const session = await Session.getSessionWithoutRequestResponse(user.accessToken, undefined, {
        antiCsrfCheck: false,
      });
      await session.mergeIntoAccessTokenPayload(payload as never);
      const real = session.getAllSessionTokensDangerously();
      const owner = { userId: user.userId, recipeUserId: user.userId, tenantId: "public" };
      const estimate = estimateTokenSizes(fitPayload(session.getAccessTokenPayload(), owner).payload, owner);
      expect(real.accessToken.length).toBeLessThanOrEqual(estimate.accessToken);
      expect(real.frontToken.length).toBeLessThanOrEqual(estimate.frontToken);
    }
  });
});
