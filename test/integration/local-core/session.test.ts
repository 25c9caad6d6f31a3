import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import { beforeAll, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();
const user = SuperTokens.convertToRecipeUserId;

const errorType = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { type?: string }).type ?? String(error);
  }
};

describe("sessions through supertokens-node", () => {
  beforeAll(async () => {
    const connectionURI = await core.createApp(uniqueAppId("session"));
    initSuperTokens({
      connectionURI,
      recipeList: [Session.init({ getTokenTransferMethod: () => "header" })],
    });
  });

  it("verifies a new access token from the JWKS alone, without asking the core", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse("public", user("alice"), {
      plan: "free",
    });
    const token = session.getAccessToken();
    core.clearRequests();

    const verified = await Session.getSessionWithoutRequestResponse(token);

    expect(verified.getUserId()).toBe("alice");
    expect(verified.getAccessTokenPayload().plan).toBe("free");
    expect(core.requests.map((r) => r.path.replace(/^\/appid-[^/]+/, ""))).not.toContain(
      "/recipe/session/verify",
    );
    const [header] = token.split(".");
    expect(JSON.parse(Buffer.from(header ?? "", "base64url").toString())).toMatchObject({
      alg: "RS256",
      version: "5",
    });
  });

  it("mergeIntoAccessTokenPayload issues a token with the new claims that verifies", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse("public", user("bob"), {});
    await session.mergeIntoAccessTokenPayload({ role: "admin" });

    const verified = await Session.getSessionWithoutRequestResponse(session.getAccessToken());

    expect(verified.getAccessTokenPayload().role).toBe("admin");
    const info = await Session.getSessionInformation(session.getHandle());
    expect(info?.customClaimsInAccessTokenPayload.role).toBe("admin");
  });

  it("refresh rotates the refresh token, and re-use of a superseded one is token theft that ends the session", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse("public", user("carol"), {});
    const first = session.getAllSessionTokensDangerously().refreshToken!;

    const refreshed = await Session.refreshSessionWithoutRequestResponse(first);
    const second = refreshed.getAllSessionTokensDangerously().refreshToken!;
    expect(second).not.toBe(first);
    // Using the new access token tells the core the client has the new refresh token.
    await Session.getSessionWithoutRequestResponse(refreshed.getAccessToken());

    expect(await errorType(Session.refreshSessionWithoutRequestResponse(first))).toBe("TOKEN_THEFT_DETECTED");
    expect(await Session.getSessionInformation(session.getHandle())).toBeUndefined();
    expect(await errorType(Session.refreshSessionWithoutRequestResponse(second))).toBe("UNAUTHORISED");
  });

  it("allows re-using the old refresh token while the new one was never used", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse("public", user("dave"), {});
    const first = session.getAllSessionTokensDangerously().refreshToken!;

    await Session.refreshSessionWithoutRequestResponse(first);
    // e.g. the response with the new tokens was lost: the client retries with the old one.
    const retried = await Session.refreshSessionWithoutRequestResponse(first);
    const latest = retried.getAllSessionTokensDangerously().refreshToken!;
    const again = await Session.refreshSessionWithoutRequestResponse(latest);

    expect(again.getHandle()).toBe(session.getHandle());
    expect(await errorType(Session.refreshSessionWithoutRequestResponse(first))).toBe("TOKEN_THEFT_DETECTED");
  });

  it("revokes all sessions of a user", async () => {
    const a = await Session.createNewSessionWithoutRequestResponse("public", user("erin"), {});
    const b = await Session.createNewSessionWithoutRequestResponse("public", user("erin"), {});
    const other = await Session.createNewSessionWithoutRequestResponse("public", user("frank"), {});

    const revoked = await Session.revokeAllSessionsForUser("erin");

    expect(revoked.sort()).toEqual([a.getHandle(), b.getHandle()].sort());
    expect(await Session.getAllSessionHandlesForUser("erin")).toEqual([]);
    expect(await Session.getAllSessionHandlesForUser("frank")).toEqual([other.getHandle()]);
    const check = Session.getSessionWithoutRequestResponse(a.getAccessToken(), undefined, {
      checkDatabase: true,
    });
    expect(await errorType(check)).toBe("UNAUTHORISED");
  });

  it("keeps session data in the database", async () => {
    const session = await Session.createNewSessionWithoutRequestResponse(
      "public",
      user("gina"),
      {},
      { cart: 1 },
    );
    await Session.updateSessionDataInDatabase(session.getHandle(), { cart: 2 });

    const info = await Session.getSessionInformation(session.getHandle());

    expect(info?.sessionDataInDatabase).toEqual({ cart: 2 });
    expect(info?.userId).toBe("gina");
  });

  it("signs with the static key when asked", async () => {
    const connectionURI = `${core.url}/appid-${uniqueAppId("static")}`;
    await core.createApp(connectionURI.split("appid-")[1] ?? "");
    initSuperTokens({
      connectionURI,
      recipeList: [
        Session.init({ getTokenTransferMethod: () => "header", useDynamicAccessTokenSigningKey: false }),
      ],
    });
    const session = await Session.createNewSessionWithoutRequestResponse("public", user("hank"), {});
    const header = JSON.parse(
      Buffer.from(session.getAccessToken().split(".")[0] ?? "", "base64url").toString(),
    );

    expect(header.kid).toMatch(/^s-/);
    expect((await Session.getSessionWithoutRequestResponse(session.getAccessToken())).getUserId()).toBe(
      "hank",
    );
  });
});

describe("access token expiry", () => {
  it("an expired access token asks for a refresh, and the refresh works", async () => {
    const connectionURI = await core.createApp(uniqueAppId("expiry"), { access_token_validity: 1 });
    initSuperTokens({
      connectionURI,
      recipeList: [Session.init({ getTokenTransferMethod: () => "header" })],
    });
    const session = await Session.createNewSessionWithoutRequestResponse("public", user("ivan"), {});
    await new Promise((r) => setTimeout(r, 2100));

    expect(await errorType(Session.getSessionWithoutRequestResponse(session.getAccessToken()))).toBe(
      "TRY_REFRESH_TOKEN",
    );
    const refreshed = await Session.refreshSessionWithoutRequestResponse(
      session.getAllSessionTokensDangerously().refreshToken!,
    );
    expect((await Session.getSessionWithoutRequestResponse(refreshed.getAccessToken())).getUserId()).toBe(
      "ivan",
    );
  });
});
