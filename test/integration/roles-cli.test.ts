// The roles CLI end to end against the local core, as a user runs it.
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../local-core/index.ts";
import { rolesCli, rolesCliWithEnv } from "../helpers/roles-cli.ts";

describe("npm run roles", () => {
  let core: LocalCore;
  let userId: string;
  const email = "cli-user@example.com";

  beforeAll(async () => {
    core = await startLocalCore({ port: 0 });
    SuperTokens.init({
      framework: "custom",
      supertokens: { connectionURI: core.url },
      appInfo: {
        appName: "cli-test",
        apiDomain: "http://localhost:3000",
        websiteDomain: "http://localhost:3001",
      },
      recipeList: [EmailPassword.init(), Session.init(), UserRoles.init()],
    });
    const signUp = await EmailPassword.signUp("public", email, "password123");
    if (signUp.status !== "OK") throw new Error(signUp.status);
    userId = signUp.user.id;
  });

  afterAll(async () => {
    await core.close();
  });

  it("seed creates the roles of roles.json, and a second seed changes nothing", async () => {
    const first = await rolesCli(core.url, "seed");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).seeded.created).toEqual(["admin", "editor", "user"]);
    expect((await UserRoles.getPermissionsForRole("editor")) as unknown).toEqual({
      status: "OK",
      permissions: expect.arrayContaining(["content:read", "content:write"]),
    });

    const second = await rolesCli(core.url, "seed");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).seeded).toEqual({ created: [], existing: ["admin", "editor", "user"] });
  });

  it("grant by email, list by user id, revoke: the core holds each change", async () => {
    const grant = await rolesCli(core.url, "grant", email, "admin");
    expect(grant.code).toBe(0);
    expect(JSON.parse(grant.stdout)).toMatchObject({ userId, role: "admin", roles: ["admin"] });
    expect((await UserRoles.getRolesForUser("public", userId)).roles).toEqual(["admin"]);

    const list = await rolesCli(core.url, "list", userId);
    expect(JSON.parse(list.stdout)).toMatchObject({
      roles: ["admin"],
      permissions: expect.arrayContaining(["users:write"]),
    });

    const revoke = await rolesCli(core.url, "revoke", userId, "admin");
    expect(revoke.code).toBe(0);
    expect((await UserRoles.getRolesForUser("public", userId)).roles).toEqual([]);
  });

  it.each([
    [["grant", "nobody@example.com", "admin"], 3, /unknown user: no user has the email nobody@example.com/],
    [["list", "no-such-id"], 3, /unknown user: no-such-id/],
    [["grant", "cli-user@example.com", "astronaut"], 4, /unknown role: astronaut/],
    [["grant", "cli-user@example.com"], 2, /^grant needs <email\|userId> <role>\nusage: npm run roles/],
    [["dance"], 2, /^unknown command: dance\nusage: npm run roles/],
  ])("%j exits %i with a clear message", async (args, code, message) => {
    const result = await rolesCli(core.url, ...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 6 (not 2, which is usage) with one line when the configuration is malformed", async () => {
    const result = await rolesCli("core", "list", email);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(
      'session-roles config: SUPERTOKENS_CONNECTION_URI must be an http(s) URL (got "core")',
    );
  });

  it("exits 1 with one line naming the URL when the core cannot be reached", async () => {
    const result = await rolesCli("http://127.0.0.1:9", "list", email);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "roles: cannot reach the SuperTokens core at http://127.0.0.1:9 (ECONNREFUSED)",
    );
  });
});

describe("npm run roles against a core that wants an API key", () => {
  const apiKey = "roles-cli-test-key-0123456789";
  let core: LocalCore;

  beforeAll(async () => {
    core = await startLocalCore({ port: 0, apiKey });
  });

  afterAll(async () => {
    await core.close();
  });

  // A 401 is not an unreachable core: another message and exit code 5, so a script can tell them apart.
  it("exits 5 and names the URL when SUPERTOKENS_API_KEY is wrong", async () => {
    const result = await rolesCliWithEnv(
      { SUPERTOKENS_API_KEY: "not-the-key-of-this-core-000" },
      core.url,
      "seed",
    );
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      `roles: the SuperTokens core at ${core.url} refused the API key in SUPERTOKENS_API_KEY (401): set it to one of the core's api_keys`,
    );
  });

  it("exits 5 and says to set SUPERTOKENS_API_KEY when it is missing", async () => {
    const result = await rolesCliWithEnv({ SUPERTOKENS_API_KEY: "" }, core.url, "seed");
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      `roles: the SuperTokens core at ${core.url} wants an API key (401): set SUPERTOKENS_API_KEY`,
    );
  });

  it("works with the right key", async () => {
    const result = await rolesCliWithEnv({ SUPERTOKENS_API_KEY: apiKey }, core.url, "seed");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).seeded.created).toEqual(["admin", "editor", "user"]);
  });
});
