import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const BASE_KEY = "base-api-key-0123456789";
const core = withLocalCore({ apiKey: BASE_KEY });
const recipeList = () => [
  EmailPassword.init(),
  UserRoles.init({ skipAddingRolesToAccessToken: true, skipAddingPermissionsToAccessToken: true }),
  Session.init({ getTokenTransferMethod: () => "header" }),
];

const createApp = async (coreConfig: Record<string, unknown> = {}): Promise<string> => {
  const appId = uniqueAppId("app");
  const res = await fetch(`${core.url}/recipe/multitenancy/app/v2`, {
    method: "PUT",
    headers: { "content-type": "application/json", "api-key": BASE_KEY },
    body: JSON.stringify({ appId, coreConfig }),
  });
  expect(await res.json()).toEqual({ status: "OK", createdNew: true });
  return `${core.url}/appid-${appId}`;
};

describe("apps created with /recipe/multitenancy/app/v2", () => {
  it("do not see each other's users, roles or sessions", async () => {
    const appA = await createApp();
    const appB = await createApp();

    // Apps inherit the core's API key, as in the real core.
    initSuperTokens({ connectionURI: appA, apiKey: BASE_KEY, recipeList: recipeList() });
    const userA = await EmailPassword.signUp("public", "same@example.com", "password A1");
    if (userA.status !== "OK") throw new Error(userA.status);
    await UserRoles.createNewRoleOrAddPermissions("admin", ["all"]);
    const sessionA = await Session.createNewSessionWithoutRequestResponse("public", userA.recipeUserId);

    initSuperTokens({ connectionURI: appB, apiKey: BASE_KEY, recipeList: recipeList() });
    expect(await SuperTokens.getUser(userA.user.id)).toBeUndefined();
    expect((await EmailPassword.signIn("public", "same@example.com", "password A1")).status).toBe(
      "WRONG_CREDENTIALS_ERROR",
    );
    expect((await EmailPassword.signUp("public", "same@example.com", "password B1")).status).toBe("OK");
    expect((await UserRoles.getAllRoles()).roles).toEqual([]);
    expect(await Session.getSessionInformation(sessionA.getHandle())).toBeUndefined();
    await expect(Session.getSessionWithoutRequestResponse(sessionA.getAccessToken())).rejects.toMatchObject({
      type: "TRY_REFRESH_TOKEN",
    });
  });

  it("an app that is removed is gone", async () => {
    const uri = await createApp();
    const appId = uri.split("/appid-")[1];
    const res = await fetch(`${core.url}/recipe/multitenancy/app/remove`, {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": BASE_KEY },
      body: JSON.stringify({ appId }),
    });
    expect(await res.json()).toEqual({ status: "OK", didExist: true });
    const after = await fetch(`${uri}/recipe/roles`, { headers: { "api-key": BASE_KEY } });
    expect(after.status).toBe(400);
    expect(await after.text()).toContain("AppId or tenantId not found");
  });
});

describe("API keys", () => {
  it("an app with api_keys answers 401 'Invalid API key' to a missing or wrong key", async () => {
    const key = "app-specific-key-0123456789";
    const uri = await createApp({ api_keys: key });

    const missing = await fetch(`${uri}/recipe/roles`);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe("Invalid API key\n");
    expect((await fetch(`${uri}/recipe/roles`, { headers: { "api-key": BASE_KEY } })).status).toBe(401);

    initSuperTokens({ connectionURI: uri, apiKey: "wrong-key-000000000000000", recipeList: recipeList() });
    await expect(UserRoles.getAllRoles()).rejects.toThrow(/status code: 401 and message: Invalid API key/);

    initSuperTokens({ connectionURI: uri, apiKey: key, recipeList: recipeList() });
    expect(await UserRoles.getAllRoles()).toEqual({ status: "OK", roles: [] });
  });

  it("the base app demands the key given to startLocalCore, except for hello and the JWKS", async () => {
    expect((await fetch(`${core.url}/apiversion`)).status).toBe(401);
    expect(
      await (await fetch(`${core.url}/apiversion`, { headers: { "api-key": BASE_KEY } })).json(),
    ).toMatchObject({
      versions: expect.arrayContaining(["5.4"]),
    });
    expect(await (await fetch(`${core.url}/hello`)).text()).toBe("Hello\n");
    expect((await fetch(`${core.url}/.well-known/jwks.json`)).status).toBe(200);
  });
});
