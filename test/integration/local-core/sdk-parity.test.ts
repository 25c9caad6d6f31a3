// Behaviours found by running supertokens-node's own test suite against the local core.
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { beforeEach, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();
let connectionURI = "";

beforeEach(async () => {
  connectionURI = await core.createApp(uniqueAppId("parity"));
  initSuperTokens({
    connectionURI,
    recipeList: [EmailPassword.init(), UserRoles.init(), Multitenancy.init(), Session.init()],
  });
});

async function signUp(email: string): Promise<string> {
  const res = await EmailPassword.signUp("public", email, "password1");
  if (res.status !== "OK") throw new Error(res.status);
  return res.user.id;
}

describe("user listing", () => {
  it("lists bare user objects (not `{ user }` wrappers)", async () => {
    const id = await signUp("a@example.com");
    const page = await SuperTokens.getUsersOldestFirst({ tenantId: "public" });
    expect(page.users.map((u) => u.id)).toEqual([id]);
    expect(page.users[0]?.emails).toEqual(["a@example.com"]);
  });

  it("searches by email prefix or domain prefix; phone or provider tags match no email user", async () => {
    for (const email of ["test@x.com", "bob@testing.io", "carl@y.com"]) await signUp(email);
    const emails = async (query: Record<string, string>) =>
      (await SuperTokens.getUsersOldestFirst({ tenantId: "public", query })).users.map((u) => u.emails[0]);
    expect(await emails({ email: "t" })).toEqual(["test@x.com", "bob@testing.io"]);
    expect(await emails({ email: "carl; nobody" })).toEqual(["carl@y.com"]);
    expect(await emails({ phone: "+1" })).toEqual([]);
  });

  it("answers the dashboard's search tags", async () => {
    const res = await fetch(`${connectionURI}/user/search/tags`);
    expect(await res.json()).toEqual({ status: "OK", tags: ["email", "phone", "provider"] });
  });
});

describe("sessions", () => {
  it("reports the same front token on create and on verify (second-precision expiry)", async () => {
    const created = await Session.createNewSessionWithoutRequestResponse(
      "public",
      SuperTokens.convertToRecipeUserId("u1"),
    );
    const tokens = created.getAllSessionTokensDangerously();
    const verified = await Session.getSessionWithoutRequestResponse(tokens.accessToken);
    expect(verified.getAllSessionTokensDangerously().frontToken).toBe(tokens.frontToken);
  });

  it("still serves legacy v2 (CDI 2.18) tokens and refuses to refresh one with a now-protected claim", async () => {
    const res = await fetch(`${connectionURI}/recipe/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "cdi-version": "2.18" },
      body: JSON.stringify({
        userId: "legacy-user",
        enableAntiCsrf: false,
        userDataInJWT: { sub: "mine" },
        userDataInDatabase: {},
      }),
    });
    const legacy = (await res.json()) as {
      accessToken: { token: string };
      refreshToken: { token: string };
      session: { handle: string };
    };
    const header = JSON.parse(
      Buffer.from(legacy.accessToken.token.split(".")[0] ?? "", "base64").toString(),
    ) as Record<string, unknown>;
    expect(header).toEqual({ alg: "RS256", typ: "JWT", version: "2" });

    const session = await Session.getSessionWithoutRequestResponse(legacy.accessToken.token);
    expect(session.getHandle()).toBe(legacy.session.handle);
    expect(session.getUserId()).toBe("legacy-user");
    expect(session.getAccessTokenPayload()).toEqual({ sub: "mine" });

    await expect(
      Session.refreshSessionWithoutRequestResponse(legacy.refreshToken.token),
    ).rejects.toMatchObject({ type: "UNAUTHORISED" });
  });
});

describe("tenants", () => {
  it("associates a user with other tenants, each with its own roles", async () => {
    for (const t of ["t1", "t2"])
      await Multitenancy.createOrUpdateTenant(t, { firstFactors: ["emailpassword"] });
    const id = await signUp("multi@example.com");
    const recipeUserId = SuperTokens.convertToRecipeUserId(id);
    expect(await Multitenancy.associateUserToTenant("t1", recipeUserId)).toEqual({
      status: "OK",
      wasAlreadyAssociated: false,
    });
    expect((await Multitenancy.associateUserToTenant("t1", recipeUserId)).status).toBe("OK");
    await Multitenancy.associateUserToTenant("t2", recipeUserId);
    expect((await EmailPassword.signIn("t1", "multi@example.com", "password1")).status).toBe("OK");

    await UserRoles.createNewRoleOrAddPermissions("r1", []);
    await UserRoles.createNewRoleOrAddPermissions("r2", []);
    await UserRoles.addRoleToUser("t1", id, "r1");
    await UserRoles.addRoleToUser("t2", id, "r2");
    expect((await UserRoles.getRolesForUser("t1", id)).roles).toEqual(["r1"]);
    expect((await UserRoles.getRolesForUser("t2", id)).roles).toEqual(["r2"]);

    expect(await Multitenancy.disassociateUserFromTenant("t1", recipeUserId)).toEqual({
      status: "OK",
      wasAssociated: true,
    });
    expect((await EmailPassword.signIn("t1", "multi@example.com", "password1")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
  });
});
