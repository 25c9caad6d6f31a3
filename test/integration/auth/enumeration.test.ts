// User enumeration through SuperTokens' defaults (issue #26): `GET /auth/signup/email/exists` tells anyone
// whether an email has an account, and a reset-token request for a known email took ~36 ms against ~3 ms
// for an unknown one. SIGNUP_EMAIL_EXISTS=false turns the route off; RESET_TOKEN_MIN_MS makes both wait.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEmailSettings } from "../../../src/config/email.ts";
import { uniqueEmail, withSuperTokens } from "../../helpers/session-client.ts";
import { Browser, captureStderr, type FunctionHandler, form, mailFor } from "./helpers.ts";

const MIN_MS = 400;
const outbox = join(mkdtempSync(join(tmpdir(), "session-roles-enum-")), "outbox.jsonl");
withSuperTokens({
  env: {
    OUTBOX_FILE: outbox,
    EMAIL_VERIFICATION: "off",
    SIGNUP_EMAIL_EXISTS: "false",
    RESET_TOKEN_MIN_MS: String(MIN_MS),
  },
});
const stderr = captureStderr();

let auth: FunctionHandler;
beforeAll(async () => {
  auth = (await import("../../../functions/auth.ts")).default;
});

describe("with SIGNUP_EMAIL_EXISTS=false and RESET_TOKEN_MIN_MS", () => {
  const known = uniqueEmail("known");

  it("GET /auth/signup/email/exists answers 404, for known and unknown emails alike", async () => {
    const browser = new Browser(() => auth);
    expect((await browser.signUp(known, "password 123")).status).toBe(200);
    for (const email of [known, uniqueEmail("unknown")]) {
      const answer = await browser.request(
        "GET",
        `/auth/signup/email/exists?email=${encodeURIComponent(email)}`,
      );
      expect(answer.status, email).toBe(404);
      expect(answer.body).toEqual({ message: "no such auth route: GET /auth/signup/email/exists" });
    }
  });

  it("a reset-token request answers OK no sooner than RESET_TOKEN_MIN_MS, known email or not", async () => {
    for (const email of [known, uniqueEmail("unknown"), known]) {
      const started = performance.now();
      const answer = await new Browser(() => auth).request(
        "POST",
        "/auth/user/password/reset/token",
        form({ email }),
        { rid: "emailpassword" },
      );
      const took = performance.now() - started;
      expect(answer).toMatchObject({ status: 200, body: { status: "OK" } });
      expect(took, email).toBeGreaterThanOrEqual(MIN_MS - 1);
    }
    expect(await mailFor(outbox, known)).toHaveLength(2);
    // The work itself fit within the floor both times: no line says its timing showed.
    expect(stderr.filter((line) => line.includes("RESET_TOKEN_MIN_MS"))).toEqual([]);
  });
});

describe("the settings", () => {
  it("default to SuperTokens' behaviour and refuse bad values", () => {
    expect(loadEmailSettings({})).toMatchObject({ signupEmailExists: true, resetTokenMinMs: 0 });
    expect(loadEmailSettings({ SIGNUP_EMAIL_EXISTS: "FALSE", RESET_TOKEN_MIN_MS: "750" })).toMatchObject({
      signupEmailExists: false,
      resetTokenMinMs: 750,
    });
    expect(() => loadEmailSettings({ RESET_TOKEN_MIN_MS: "10001" })).toThrow(
      /RESET_TOKEN_MIN_MS must be a whole number of milliseconds from 0 to 10000/,
    );
    expect(() => loadEmailSettings({ SIGNUP_EMAIL_EXISTS: "no" })).toThrow(
      /SIGNUP_EMAIL_EXISTS must be true or false/,
    );
  });
});
