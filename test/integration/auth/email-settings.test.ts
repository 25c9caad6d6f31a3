// EMAIL_VERIFICATION, REVOKE_SESSIONS_ON_PASSWORD_RESET, OUTBOX_FILE and SMTP_*: defaults, one-line
// errors (never echoing SMTP_PASSWORD), and which delivery wins.
import { describe, expect, it } from "vitest";
import { loadEmailSettings } from "../../../src/config/email.ts";
import { ConfigError } from "../../../src/config/index.ts";

const SMTP = {
  SMTP_HOST: "smtp.example.com",
  SMTP_PORT: "587",
  SMTP_USER: "apikey",
  SMTP_PASSWORD: "s3cret-Pa55",
  SMTP_FROM: "Session Roles <no-reply@example.com>",
};

describe("email settings", () => {
  it("default: verification off, sessions revoked on reset, SuperTokens' email service", () => {
    expect(loadEmailSettings({})).toEqual({
      emailVerification: "off",
      revokeSessionsOnPasswordReset: true,
      delivery: { kind: "supertokens" },
      smtpIgnored: false,
      signupEmailExists: true,
      resetTokenMinMs: 0,
    });
  });

  it("reads the verification mode and the revocation switch (empty means unset)", () => {
    expect(loadEmailSettings({ EMAIL_VERIFICATION: " Required " }).emailVerification).toBe("required");
    expect(loadEmailSettings({ EMAIL_VERIFICATION: "optional" }).emailVerification).toBe("optional");
    expect(loadEmailSettings({ EMAIL_VERIFICATION: "" }).emailVerification).toBe("off");
    const keep = loadEmailSettings({ REVOKE_SESSIONS_ON_PASSWORD_RESET: "false" });
    expect(keep.revokeSessionsOnPasswordReset).toBe(false);
  });

  it("SMTP: host, port, password and sender; the user defaults to the sender, TLS to port 465", () => {
    expect(loadEmailSettings(SMTP).delivery).toEqual({
      kind: "smtp",
      smtp: {
        host: "smtp.example.com",
        port: 587,
        authUsername: "apikey",
        password: "s3cret-Pa55",
        from: { name: "Session Roles", email: "no-reply@example.com" },
        secure: false,
      },
    });
    const bare = loadEmailSettings({ ...SMTP, SMTP_USER: "", SMTP_PORT: "465", SMTP_FROM: "me@example.com" });
    expect(bare.delivery).toMatchObject({
      smtp: {
        authUsername: "me@example.com",
        secure: true,
        from: { name: "session-roles", email: "me@example.com" },
      },
    });
  });

  it("OUTBOX_FILE wins over SMTP: nothing leaves the machine, and the settings say SMTP was ignored", () => {
    const both = loadEmailSettings({ ...SMTP, OUTBOX_FILE: "/tmp/outbox.jsonl" });
    expect(both.delivery).toEqual({ kind: "outbox", file: "/tmp/outbox.jsonl" });
    expect(both.smtpIgnored).toBe(true);
  });

  it("fails with one line naming the variable; SMTP_PASSWORD is never shown", () => {
    const cases: [Record<string, string>, string][] = [
      [{ EMAIL_VERIFICATION: "yes" }, 'EMAIL_VERIFICATION must be off, optional or required (got "yes")'],
      [
        { REVOKE_SESSIONS_ON_PASSWORD_RESET: "maybe" },
        "REVOKE_SESSIONS_ON_PASSWORD_RESET must be true or false",
      ],
      [{ ...SMTP, SMTP_PORT: "70000" }, 'SMTP_PORT must be a port number from 1 to 65535 (got "70000")'],
      [{ ...SMTP, SMTP_HOST: "smtp://x" }, "SMTP_HOST must be a host name like smtp.example.com"],
      [{ ...SMTP, SMTP_FROM: "nobody" }, 'SMTP_FROM must be an address like "App <no-reply@example.com>"'],
      [
        { SMTP_HOST: "smtp.example.com" },
        "SMTP_HOST is set, so SMTP_PORT, SMTP_PASSWORD, SMTP_FROM must be set too",
      ],
      [{ SMTP_PASSWORD: "s3cret-Pa55" }, "SMTP_PASSWORD set without SMTP_HOST"],
      [{ ...SMTP, SMTP_SECURE: "tls" }, 'SMTP_SECURE must be true or false (got "tls")'],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        loadEmailSettings(env);
      } catch (caught) {
        error = caught;
      }
      expect(error, message).toBeInstanceOf(ConfigError);
      const text = (error as Error).message;
      expect(text).toContain(`session-roles config: ${message}`);
      expect(text.split("\n")).toHaveLength(1);
      expect(text).not.toContain("s3cret");
    }
  });
});
