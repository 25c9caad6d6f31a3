// Sign-up when the default role is missing from the core (a first deploy before `npm run roles -- seed`):
// refused before any user is created, with one ERROR line saying what to run; once seeded, it works.
import SuperTokens from "supertokens-node";
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { submitCredentials, uniqueEmail, withSuperTokens } from "../../helpers/session-client.ts";
import { captureStderr } from "./helpers.ts";

const core = withSuperTokens({ env: { DEFAULT_ROLE: "newcomer", EMAIL_VERIFICATION: "off" } });
const stderr = captureStderr();

describe("sign-up with the default role missing from the core", () => {
  it("is refused before the user is created, naming `npm run roles -- seed`", async () => {
    const email = uniqueEmail("no-role");
    const reply = await submitCredentials("signup", "header", email);
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ message: "internal error" });
    expect(reply.headers.get("st-access-token")).toBeNull();
    expect(await SuperTokens.listUsersByAccountInfo("public", { email })).toEqual([]);
    expect(
      stderr.some(
        (line) => line.includes('default role \\"newcomer\\"') && line.includes("npm run roles -- seed"),
      ),
    ).toBe(true);
  });

  it("works once the role exists, and the user holds it", async () => {
    await UserRoles.createNewRoleOrAddPermissions("newcomer", []);
    const email = uniqueEmail("seeded");
    const reply = await submitCredentials("signup", "header", email);
    expect(reply.status).toBe(200);
    const [user] = await SuperTokens.listUsersByAccountInfo("public", { email });
    expect((await UserRoles.getRolesForUser("public", user!.id)).roles).toEqual(["newcomer"]);
  });

  it("asks the core for the role once per process, not on every sign-up", async () => {
    core.clearRequests();
    expect((await submitCredentials("signup", "header", uniqueEmail("again"))).status).toBe(200);
    const calls = core.requests.map((request) => `${request.method} ${request.path}`);
    // One permissions read: the new session's claim, after the sign-up; none before it for the check.
    const permissions = "GET /recipe/role/permissions";
    expect(calls.filter((call) => call === permissions)).toHaveLength(1);
    expect(calls).toContain("POST /public/recipe/signup");
    expect(calls.indexOf(permissions)).toBeGreaterThan(calls.indexOf("POST /public/recipe/signup"));
    expect(calls).toContain("PUT /public/recipe/user/role");
  });
});
