// REVOKE_SESSIONS_ON_PASSWORD_RESET=false: supertokens-node's own behaviour, sessions outlive a reset.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { uniqueEmail, withSuperTokens } from "../../helpers/session-client.ts";
import { Browser, coreGet, type FunctionHandler, form, mailFor, tokenOf } from "./helpers.ts";

const outbox = join(mkdtempSync(join(tmpdir(), "session-roles-outbox-")), "outbox.jsonl");
const core = withSuperTokens({
  env: { OUTBOX_FILE: outbox, EMAIL_VERIFICATION: "off", REVOKE_SESSIONS_ON_PASSWORD_RESET: "false" },
});

let auth: FunctionHandler;
beforeAll(async () => {
  auth = (await import("../../../functions/auth.ts")).default;
});

it("keeps the user's sessions: the old device still refreshes after the reset", async () => {
  const email = uniqueEmail("keep");
  const laptop = new Browser(() => auth);
  const signUp = await laptop.signUp(email, "old password 1");
  const userId = (signUp.body as { user: { id: string } }).user.id;

  await new Browser(() => auth).request("POST", "/auth/user/password/reset/token", form({ email }));
  const [mail] = await mailFor(outbox, email);
  const reset = await new Browser(() => auth).request("POST", "/auth/user/password/reset", {
    formFields: [{ id: "password", value: "new password 2" }],
    token: tokenOf(mail!.link),
  });
  expect(reset.body).toEqual({ status: "OK" });

  const held = await coreGet(core.url, `/public/recipe/session/user?userId=${userId}`);
  expect(held.sessionHandles).toHaveLength(1);
  expect((await laptop.request("POST", "/auth/session/refresh")).status).toBe(200);
});
