// The environment's quick reading (src/config/parse.ts) against its valibot schema: whatever the quick
// reading decides, the schema decides the same; what it does not decide, the schema reads. Cold starts
// take the quick way with the values deployments write (serverless.yml's defaults, read from the file).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CORE_ENVIRONMENT, loadConfig } from "../../src/config/core.ts";
import { MODE_ENVIRONMENT } from "../../src/config/email.ts";
import { type Environment, parseEnvironment, readQuickly } from "../../src/config/parse.ts";

/** Values worth trying for any variable: valid ones, near misses, and anything. */
const NEAR_MISSES = [
  "",
  " ",
  "admin",
  " admin ",
  "admin,,user",
  "admin,editor,admin",
  "a:b.c-d",
  "/auth",
  "/auth/",
  "auth",
  "/a b",
  "http://localhost:3000",
  "https://api.example.com/",
  "HTTP://EXAMPLE.COM",
  "ftp://example.com",
  "http://",
  "http://[::1]:3567",
  "0",
  "1",
  "60",
  "3600",
  "3601",
  "60000",
  "060",
  "-1",
  "1.5",
  "1e3",
  "VIA_TOKEN",
  "via_token",
  "NONE",
  "lax",
  " LAX ",
  "Strict",
  "INFO",
  "debug",
  " WARN",
  "on",
  "off",
  "ON",
  "optional",
  "Required",
  "/session-roles/prod/key",
  "arn:aws:ssm:eu-west-1:123456789012:parameter/session-roles/key",
  "session-roles",
  "https://api.example.com",
  "true",
];

// Mostly unset, so that whole environments the quick reading decides come up often (counted below).
const value = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 30 },
  { arbitrary: fc.constantFrom(...NEAR_MISSES), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

const environmentOf = (names: readonly string[]) =>
  fc.record(
    Object.fromEntries(names.map((name) => [name, value])) as Record<
      string,
      fc.Arbitrary<string | undefined>
    >,
  );

/** The schema's reading, or the error it words. */
function complete<T>(read: () => T): { output: T } | { error: string } {
  try {
    return { output: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** serverless.yml's `NAME: ${env:NAME, 'default'}` lines: what a deployment without overrides sets. */
function deployedDefaults(): Environment {
  const template = readFileSync(new URL("../../serverless.yml", import.meta.url), "utf8");
  const pairs = [...template.matchAll(/^ {4}([A-Z_]+): \$\{env:\1, '([^']*)'\}$/gm)].map(
    ([, name, fallback]) => [name, fallback] as const,
  );
  return Object.fromEntries(pairs);
}

describe.each([
  ["core", CORE_ENVIRONMENT],
  ["EMAIL_VERIFICATION", MODE_ENVIRONMENT],
] as const)("the quick reading of the %s variables", (_, spec) => {
  const names = Object.keys(spec.quick);
  const schema = spec.schema as () => ReturnType<typeof CORE_ENVIRONMENT.schema>;
  const quick = spec.quick as typeof CORE_ENVIRONMENT.quick;

  it("decides nothing the schema decides otherwise", () => {
    let decided = 0;
    fc.assert(
      fc.property(environmentOf(names), (env) => {
        const quickly = readQuickly(quick, env);
        if (quickly === undefined) return;
        decided++;
        expect(complete(() => parseEnvironment(schema, env, spec.secret))).toStrictEqual({ output: quickly });
      }),
      { numRuns: 2000 },
    );
    // The property held on many decided environments, not on a handful.
    expect(decided).toBeGreaterThan(300);
  });

  it("reads an empty environment, and serverless.yml's defaults, without the schema", () => {
    for (const env of [{}, deployedDefaults()]) {
      const quickly = readQuickly(quick, env);
      expect(quickly).toBeDefined();
      expect(parseEnvironment(schema, env, spec.secret)).toStrictEqual(quickly);
    }
  });
});

describe("the quick reading as loadConfig uses it", () => {
  it("leaves other spellings and every error to the schema", () => {
    // Valid, but not as deployments write them: the schema reads them.
    const spelled = { COOKIE_SAME_SITE: " Strict ", LOG_LEVEL: "debug" };
    expect(readQuickly(CORE_ENVIRONMENT.quick, spelled)).toBeUndefined();
    expect(loadConfig(spelled)).toMatchObject({ cookieSameSite: "strict", logLevel: "DEBUG" });
    expect(() => loadConfig({ ROLE_PRECEDENCE: "admin,,user" })).toThrow(
      "ROLE_PRECEDENCE must be a comma-separated list of role names like admin,editor,user, without empty names",
    );
  });

  it("takes serverless.yml's variables with deployed values (the list is read from the file)", () => {
    const deployed = deployedDefaults();
    expect(Object.keys(deployed)).toEqual(
      expect.arrayContaining(["API_DOMAIN", "ROLE_PRECEDENCE", "LOG_LEVEL"]),
    );
    expect(readQuickly(CORE_ENVIRONMENT.quick, deployed)).toMatchObject({
      ROLE_PRECEDENCE: deployed.ROLE_PRECEDENCE?.split(",").map((role) => role.trim()),
    });
  });
});
