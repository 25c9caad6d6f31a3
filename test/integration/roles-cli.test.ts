// The roles CLI end to end against the local core, as a user runs it.
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../local-core/index.ts";
import { rolesCli } from "../helpers/roles-cli.ts";

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
    [["grant", "cli-user@example.com"], 2, /usage: npm run roles/],
    [["dance"], 2, /usage: npm run roles/],
  ])("%j exits %i with a clear message", async (args, code, message) => {
    const result = await rolesCli(core.url, ...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with one line when the core cannot be reached", async () => {
    const result = await rolesCli("http://127.0.0.1:9", "list", email);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^roles: cannot reach the SuperTokens core/);
  });
});
