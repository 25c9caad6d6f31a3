import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONNECTION_URI, loadConfig } from "../../src/config/index.ts";

describe("loadConfig", () => {
  it("falls back to the local core and documented defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      connectionUri: DEFAULT_CONNECTION_URI,
      apiKey: undefined,
      apiDomain: "http://localhost:3000",
      apiBasePath: "/auth",
      apiGatewayPath: "",
      websiteDomain: "http://localhost:3001",
      rolePrecedence: ["admin", "editor", "user"],
      adminRole: "admin",
      defaultRole: "user",
      coreTimeoutMs: 3000,
      antiCsrf: "VIA_TOKEN",
      cookieSameSite: "lax",
      apiKeyParameter: undefined,
      logLevel: "INFO",
      jwtAudience: "session-roles",
      rolePermissionsMaxAgeMs: 60_000,
      sessionFanOut: true,
    });
  });

  it("reads how long role permissions are reused and whether role changes fan out", () => {
    const config = loadConfig({ ROLE_PERMISSIONS_MAX_AGE_SECONDS: "0", SESSION_FANOUT: "off" });
    expect(config).toMatchObject({ rolePermissionsMaxAgeMs: 0, sessionFanOut: false });
    expect(() => loadConfig({ ROLE_PERMISSIONS_MAX_AGE_SECONDS: "3601" })).toThrow(
      "ROLE_PERMISSIONS_MAX_AGE_SECONDS must be a whole number of seconds from 0 to 3600",
    );
    expect(() => loadConfig({ SESSION_FANOUT: "maybe" })).toThrow("SESSION_FANOUT must be on or off");
  });

  it.each([
    ["http://localhost:3000", "http://localhost:3001", "lax"],
    ["http://localhost:3000", "http://127.0.0.1:3001", "lax"],
    ["https://example.com", "https://example.com/app", "lax"],
    ["https://api.example.com", "https://app.example.com", "none"],
    ["https://api.example.com", "https://example.org", "none"],
    ["http://localhost:3000", "https://localhost:3001", "none"],
  ])("defaults COOKIE_SAME_SITE for API %s and website %s to %s", (api, website, expected) => {
    expect(loadConfig({ API_DOMAIN: api, WEBSITE_DOMAIN: website }).cookieSameSite).toBe(expected);
  });

  it("lets COOKIE_SAME_SITE override the default, case-insensitively", () => {
    expect(
      loadConfig({
        API_DOMAIN: "https://api.example.com",
        WEBSITE_DOMAIN: "https://app.example.com",
        COOKIE_SAME_SITE: "Lax",
      }).cookieSameSite,
    ).toBe("lax");
    expect(loadConfig({ COOKIE_SAME_SITE: "strict" }).cookieSameSite).toBe("strict");
    expect(loadConfig({ COOKIE_SAME_SITE: "none" }).cookieSameSite).toBe("none");
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ SUPERTOKENS_CONNECTION_URI: "" }).connectionUri).toBe(DEFAULT_CONNECTION_URI);
  });

  it("reads every variable", () => {
    const config = loadConfig({
      SUPERTOKENS_CONNECTION_URI: "https://core.example.com/",
      SUPERTOKENS_API_KEY: "key",
      API_DOMAIN: "https://api.example.com",
      API_BASE_PATH: "/session-auth",
      API_GATEWAY_PATH: "/prod",
      WEBSITE_DOMAIN: "https://app.example.com/",
      ROLE_PRECEDENCE: "owner, admin ,user",
      ADMIN_ROLE: "owner",
      DEFAULT_ROLE: "viewer",
      CORE_TIMEOUT_MS: "1500",
      ANTI_CSRF: "VIA_CUSTOM_HEADER",
      COOKIE_SAME_SITE: "strict",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      connectionUri: "https://core.example.com",
      apiKey: "key",
      apiGatewayPath: "/prod",
      websiteDomain: "https://app.example.com",
      rolePrecedence: ["owner", "admin", "user"],
      adminRole: "owner",
      defaultRole: "viewer",
      coreTimeoutMs: 1500,
      antiCsrf: "VIA_CUSTOM_HEADER",
      cookieSameSite: "strict",
      logLevel: "DEBUG",
    });
  });

  it("reads the SSM parameter that holds the API key, by name or ARN", () => {
    for (const name of [
      "/session-roles/prod/supertokens-api-key",
      "supertokens-api-key",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/session-roles/prod/supertokens-api-key",
    ])
      expect(loadConfig({ SUPERTOKENS_API_KEY_PARAMETER: name }).apiKeyParameter).toBe(name);
  });

  it("accepts roles roles.json does not declare (a warning at cold start, not an error)", () => {
    expect(loadConfig({ ROLE_PRECEDENCE: "owner,boss" }).rolePrecedence).toEqual(["owner", "boss"]);
  });

  it.each([
    [
      "SUPERTOKENS_CONNECTION_URI",
      "not a url",
      /SUPERTOKENS_CONNECTION_URI must be an http\(s\) URL \(got "not a url"\)/,
    ],
    ["SUPERTOKENS_CONNECTION_URI", "ftp://core", /SUPERTOKENS_CONNECTION_URI must be an http\(s\) URL/],
    ["API_BASE_PATH", "auth", /API_BASE_PATH must be a path like \/auth/],
    ["ROLE_PRECEDENCE", "admin,bad role", /ROLE_PRECEDENCE must be a role name/],
    [
      "ROLE_PRECEDENCE",
      ",,,",
      /ROLE_PRECEDENCE must be a comma-separated list of role names like admin,editor,user, without empty names \(got ",,,"\)$/,
    ],
    [
      "ROLE_PRECEDENCE",
      "admin,,user",
      /ROLE_PRECEDENCE must be a comma-separated list .* \(got "admin,,user"\)$/,
    ],
    ["ROLE_PRECEDENCE", "admin,", /ROLE_PRECEDENCE must be a comma-separated list/],
    ["ROLE_PRECEDENCE", "admin,user,admin", /ROLE_PRECEDENCE names a role twice \(got "admin,user,admin"\)$/],
    ["CORE_TIMEOUT_MS", "soon", /CORE_TIMEOUT_MS must be a whole number of milliseconds/],
    ...["0", "60001", "-5", "1.5", "3e3", "99999999999999999999"].map(
      (value) =>
        [
          "CORE_TIMEOUT_MS",
          value,
          new RegExp(
            `^session-roles config: CORE_TIMEOUT_MS must be a whole number of milliseconds from 1 to 60000 \\(got "${value.replace(".", "\\.")}"\\)$`,
          ),
        ] as [string, string, RegExp],
    ),
    [
      "LOG_LEVEL",
      "loud",
      /LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT \(got "loud"\)/,
    ],
    [
      "SUPERTOKENS_API_KEY_PARAMETER",
      "session roles key",
      /SUPERTOKENS_API_KEY_PARAMETER must be an SSM parameter name like \/session-roles\/prod\/supertokens-api-key/,
    ],
    ["ANTI_CSRF", "MAYBE", /ANTI_CSRF must be VIA_TOKEN, VIA_CUSTOM_HEADER or NONE/],
    ["COOKIE_SAME_SITE", "sometimes", /COOKIE_SAME_SITE must be lax, strict or none \(got "sometimes"\)/],
  ])("a malformed %s fails with one clear line", (name, value, message) => {
    let thrown: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.message).toMatch(message);
    expect(error.message.startsWith("session-roles config: ")).toBe(true);
    // One line, also where a runtime prints the stack.
    expect(error.stack).toBe(error.message);
    expect(error.message).not.toContain("\n");
  });

  it("refuses ANTI_CSRF=NONE with cross-site (SameSite=None) cookies, and only then", () => {
    const crossSite = { API_DOMAIN: "https://api.example.com", WEBSITE_DOMAIN: "https://app.example.org" };
    const refused = /^session-roles config: ANTI_CSRF=NONE with cross-site cookies \(SameSite=None\)/;
    expect(() => loadConfig({ ...crossSite, ANTI_CSRF: "NONE" })).toThrow(refused);
    expect(() => loadConfig({ ANTI_CSRF: "NONE", COOKIE_SAME_SITE: "none" })).toThrow(refused);
    expect(loadConfig({ ...crossSite, ANTI_CSRF: "NONE", COOKIE_SAME_SITE: "lax" }).antiCsrf).toBe("NONE");
    expect(loadConfig({ ANTI_CSRF: "NONE" }).antiCsrf).toBe("NONE");
    expect(loadConfig({ ...crossSite, ANTI_CSRF: "VIA_CUSTOM_HEADER" }).cookieSameSite).toBe("none");
  });

  it("refuses the API key and its SSM parameter together", () => {
    expect(() =>
      loadConfig({ SUPERTOKENS_API_KEY: "key", SUPERTOKENS_API_KEY_PARAMETER: "/session-roles/prod/key" }),
    ).toThrow(
      /^session-roles config: set SUPERTOKENS_API_KEY or SUPERTOKENS_API_KEY_PARAMETER \(the SSM parameter holding the key\), not both$/,
    );
  });
});
