// A role the config names that roles.json does not declare (a typo, or a role made by hand in the
// core) is accepted, and said once per cold start in one WARN line.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, describe, expect, it } from "vitest";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  sessionTargets,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens({ env: { ROLE_PRECEDENCE: "owner,admin,editor,user", ADMIN_ROLE: "boss" } });
const user = withSignedInUser("header");
const output = captureOutput();
afterAll(() => output.stop());

const [target] = sessionTargets(({ session }: { session: SessionContainer }) => ({
  id: session.getUserId(),
}));

describe("roles roles.json does not declare", () => {
  it("are one WARN line at the first request, naming each by variable, and never again", async () => {
    for (let i = 0; i < 3; i++)
      expect((await target!.call(authenticated(user, { path: "/session" }))).status).toBe(200);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: "WARN",
        message: "the config names roles that roles.json does not declare",
        undeclared_roles: { ROLE_PRECEDENCE: ["owner"], ADMIN_ROLE: ["boss"] },
        declared_roles: ["admin", "editor", "user"],
      }),
    ]);
  });
});
