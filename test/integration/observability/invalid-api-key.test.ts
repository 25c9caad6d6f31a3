// A function deployed with the wrong API key: the core answers 401 to every call. The client gets
// 503 (not a 500, not a hang) and the operator one ERROR line that says the key was refused —
// without the key in it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";
import { emailPasswordRecipe } from "../../../src/handlers/auth-recipes.ts";
import { initSuperTokens } from "../../../src/session/supertokens.ts";
import { uniqueAppId, withLocalCore } from "../../helpers/core.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import { submitCredentials, uniqueEmail } from "../../helpers/session-client.ts";

const CORE_KEY = "the-core-s-own-api-key-0123456789";
const WRONG_KEY = "a-stale-api-key-from-the-last-deploy";

const core = withLocalCore();
let appUrl = "";
const output = captureOutput();
afterAll(() => output.stop());
beforeEach(() => output.clear());

beforeAll(async () => {
  // An app of its own with its own key: the function talks to it with another one.
  appUrl = await core.createApp(uniqueAppId("keyed"), { api_keys: CORE_KEY });
  process.env.SUPERTOKENS_CONNECTION_URI = appUrl;
  process.env.SUPERTOKENS_API_KEY = WRONG_KEY;
  const config = loadConfig();
  initSuperTokens(config, [emailPasswordRecipe(config)]);
});

describe("a core that refuses the API key", () => {
  it("answers sign up with 503 and writes one invalid-api-key line without the key", async () => {
    const reply = await submitCredentials("signup", "header", uniqueEmail());
    expect(reply.status, reply.body).toBe(503);
    expect(reply.json).toEqual({ message: "session service unavailable" });
    const errors = output.logs("ERROR");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 503, cause: "invalid-api-key", core_url: appUrl });
    expect(String(errors[0]?.message)).toContain("refused the API key");
    for (const line of output.lines) {
      expect(line.text).not.toContain(WRONG_KEY);
      expect(line.text).not.toContain(CORE_KEY);
    }
  });
});
