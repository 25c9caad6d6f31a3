import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import { beforeAll, describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";
import { kidOf } from "../../helpers/forge.ts";

const core = withLocalCore();
const appId = uniqueAppId("keys");
const jwksFetches = () => core.requests.filter((r) => r.path.endsWith("/.well-known/jwks.json")).length;

describe("signing key rotation", () => {
  beforeAll(async () => {
    const connectionURI = await core.createApp(appId);
    initSuperTokens({
      connectionURI,
      recipeList: [Session.init({ getTokenTransferMethod: () => "header" })],
    });
  });

  it("keeps old tokens valid and picks up the new key by refetching the JWKS", async () => {
    const before = await Session.createNewSessionWithoutRequestResponse(
      "public",
      SuperTokens.convertToRecipeUserId("u1"),
      {},
    );
    await Session.getSessionWithoutRequestResponse(before.getAccessToken());

    await core.rotateSigningKeys(appId);
    const after = await Session.createNewSessionWithoutRequestResponse(
      "public",
      SuperTokens.convertToRecipeUserId("u2"),
      {},
    );
    expect(kidOf(after.getAccessToken())).not.toBe(kidOf(before.getAccessToken()));
    expect(kidOf(after.getAccessToken())).toMatch(/^d-/);

    const jwksBefore = jwksFetches();
    expect((await Session.getSessionWithoutRequestResponse(before.getAccessToken())).getUserId()).toBe("u1");
    // supertokens-node (jose) refetches the JWKS for an unknown kid after its 500 ms cooldown.
    await new Promise((r) => setTimeout(r, 600));
    expect((await Session.getSessionWithoutRequestResponse(after.getAccessToken())).getUserId()).toBe("u2");
    expect(jwksFetches()).toBeGreaterThan(jwksBefore);
  });

  it("publishes both keys in the JWKS", async () => {
    const res = await fetch(`${core.url}/appid-${appId}/.well-known/jwks.json`);
    const body = (await res.json()) as { keys: { kid: string; kty: string; alg: string; n: string }[] };

    expect(body.keys.filter((k) => k.kid.startsWith("d-")).length).toBeGreaterThanOrEqual(2);
    expect(body.keys.some((k) => k.kid.startsWith("s-"))).toBe(true);
    expect(body.keys.every((k) => k.kty === "RSA" && k.alg === "RS256" && k.n.length > 300)).toBe(true);
  });

  it("signs createJWT tokens with a key from the same JWKS", async () => {
    const res = await Session.createJWT({ purpose: "test" }, 60);
    if (res.status !== "OK") throw new Error(res.status);
    const keys = (await (await fetch(`${core.url}/appid-${appId}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(keys.keys.map((k) => k.kid)).toContain(kidOf(res.jwt));
  });
});
