import * as v from "valibot";
import {
  ConfigError,
  type Environment,
  parseEnvironment,
  type QuickVariables,
  quickOneOf,
  wholeNumber,
} from "./parse.ts";

export type EmailVerificationMode = "off" | "optional" | "required";

/** What supertokens-node's SMTPService takes (`smtpSettings`). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** SMTP_USER, else the sender's address (SMTPService does the same). */
  authUsername: string;
  password: string;
  from: { name: string; email: string };
  secure: boolean;
}

/** Where the functions' emails go: a local outbox file, SMTP, or SuperTokens' own email service. */
export type EmailDelivery =
  | { kind: "outbox"; file: string }
  | { kind: "smtp"; smtp: SmtpSettings }
  | { kind: "supertokens" };

export interface EmailSettings {
  emailVerification: EmailVerificationMode;
  revokeSessionsOnPasswordReset: boolean;
  delivery: EmailDelivery;
  /** SMTP_HOST was set too, but OUTBOX_FILE wins: nothing leaves the machine by mistake. */
  smtpIgnored: boolean;
  /** SIGNUP_EMAIL_EXISTS: whether `GET /auth/signup/email/exists` answers (false: 404, no enumeration). */
  signupEmailExists: boolean;
  /** RESET_TOKEN_MIN_MS: a reset-token request answers no sooner, known email or not (0: as fast as it can). */
  resetTokenMinMs: number;
}

/** Never repeated in an error message. */
const SECRET_VARIABLES = new Set(["SMTP_PASSWORD"]);

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const DEFAULT_SENDER_NAME = "session-roles";

const MODES = ["off", "optional", "required"] as const;

/** EMAIL_VERIFICATION's schema (a function: schemas are built when a value needs them, parse.ts). */
function modeSchema() {
  return v.optional(
    v.pipe(
      v.string(),
      v.transform((value) => value.trim().toLowerCase()),
      v.picklist(MODES, "must be off, optional or required"),
    ),
    "off",
  );
}

/** Every email variable: read by the auth function, once per cold start. */
function environmentSchema() {
  const lowerCase = v.pipe(
    v.string(),
    v.transform((value) => value.trim().toLowerCase()),
  );
  const boolean = v.pipe(
    lowerCase,
    v.picklist(["true", "false"], "must be true or false"),
    v.transform((value) => value === "true"),
  );
  const sender = v.pipe(
    v.string(),
    v.transform((value) => {
      const named = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
      const name = (named?.[1] ?? "").replace(/^"(.*)"$/, "$1");
      return { name: name || DEFAULT_SENDER_NAME, email: (named?.[2] ?? value).trim() };
    }),
    v.check(
      (from) => ADDRESS.test(from.email),
      'must be an address like "App <no-reply@example.com>" or no-reply@example.com',
    ),
  );
  return v.object({
    EMAIL_VERIFICATION: modeSchema(),
    REVOKE_SESSIONS_ON_PASSWORD_RESET: v.optional(boolean, "true"),
    OUTBOX_FILE: v.optional(v.pipe(v.string(), v.regex(/^[^\0]+$/, "must be a file path"))),
    SMTP_HOST: v.optional(
      v.pipe(v.string(), v.regex(/^[\w.-]+$/, "must be a host name like smtp.example.com")),
    ),
    SMTP_PORT: v.optional(wholeNumber(1, 65535, "must be a port number from 1 to 65535")),
    SMTP_USER: v.optional(v.string()),
    SMTP_PASSWORD: v.optional(v.string()),
    SMTP_FROM: v.optional(sender),
    SMTP_SECURE: v.optional(boolean),
    SIGNUP_EMAIL_EXISTS: v.optional(boolean, "true"),
    RESET_TOKEN_MIN_MS: v.optional(
      wholeNumber(0, 10_000, "must be a whole number of milliseconds from 0 to 10000"),
      "0",
    ),
  });
}

type Env = v.InferOutput<ReturnType<typeof environmentSchema>>;

/** SMTP_* as one setting: SMTP_HOST turns it on, and then port, password and sender are required. */
function smtpOf(env: Env): SmtpSettings | undefined {
  const given = (["SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_SECURE"] as const).filter(
    (name) => env[name] !== undefined,
  );
  if (env.SMTP_HOST === undefined) {
    if (given.length > 0) throw new ConfigError(`${given.join(", ")} set without SMTP_HOST`);
    return undefined;
  }
  const { SMTP_HOST: host, SMTP_PORT: port, SMTP_PASSWORD: password, SMTP_FROM: from } = env;
  if (port === undefined || password === undefined || from === undefined) {
    const needed = { SMTP_PORT: port, SMTP_PASSWORD: password, SMTP_FROM: from };
    const missing = Object.keys(needed).filter((name) => needed[name as keyof typeof needed] === undefined);
    throw new ConfigError(`SMTP_HOST is set, so ${missing.join(", ")} must be set too`);
  }
  return {
    host,
    port,
    authUsername: env.SMTP_USER ?? from.email,
    password,
    from,
    // Port 465 speaks TLS from the first byte; others (587, 25) upgrade with STARTTLS.
    secure: env.SMTP_SECURE ?? port === 465,
  };
}

/** Reads and validates the email settings; throws one ConfigError naming the first bad variable. */
export function loadEmailSettings(env: Environment = process.env): EmailSettings {
  const out = parseEnvironment(environmentSchema, env, SECRET_VARIABLES);
  const smtp = smtpOf(out);
  const delivery: EmailDelivery =
    out.OUTBOX_FILE !== undefined
      ? { kind: "outbox", file: process.getBuiltinModule("node:path").resolve(out.OUTBOX_FILE) }
      : smtp !== undefined
        ? { kind: "smtp", smtp }
        : { kind: "supertokens" };
  return {
    emailVerification: out.EMAIL_VERIFICATION,
    revokeSessionsOnPasswordReset: out.REVOKE_SESSIONS_ON_PASSWORD_RESET,
    delivery,
    smtpIgnored: delivery.kind === "outbox" && smtp !== undefined,
    signupEmailExists: out.SIGNUP_EMAIL_EXISTS,
    resetTokenMinMs: out.RESET_TOKEN_MIN_MS,
  };
}

let fromEnvironment: EmailSettings | undefined;

/** The environment's email settings, read once per cold start. */
export function emailSettings(): EmailSettings {
  if (fromEnvironment === undefined) {
    fromEnvironment = loadEmailSettings();
    if (fromEnvironment.smtpIgnored)
      console.warn(
        "session-roles email: OUTBOX_FILE and SMTP_HOST are both set; OUTBOX_FILE wins, no email is sent by SMTP",
      );
  }
  return fromEnvironment;
}

const modeOnlySchema = () => v.object({ EMAIL_VERIFICATION: modeSchema() });
/** EMAIL_VERIFICATION as deployments write it, read without the schema (src/config/parse.ts). */
const QUICK_MODE: QuickVariables<ReturnType<typeof modeOnlySchema>> = {
  EMAIL_VERIFICATION: { default: "off", read: quickOneOf(MODES) },
};
/** EMAIL_VERIFICATION's schema and quick reading, for the differential test (test/unit/config-quick.test.ts). */
export const MODE_ENVIRONMENT = { schema: modeOnlySchema, quick: QUICK_MODE, secret: SECRET_VARIABLES };

let modeFromEnvironment: EmailVerificationMode | undefined;

/**
 * EMAIL_VERIFICATION alone, read once per cold start: what a function that only verifies sessions
 * needs (its bundle carries neither the SMTP settings nor their checks).
 */
export function emailVerificationMode(): EmailVerificationMode {
  modeFromEnvironment ??= parseEnvironment(
    modeOnlySchema,
    process.env,
    SECRET_VARIABLES,
    QUICK_MODE,
  ).EMAIL_VERIFICATION;
  return modeFromEnvironment;
}
