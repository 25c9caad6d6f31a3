// The roles reads of the built functions against a slow core: the local core behind a forwarder that
// holds some answers back. Each bundle runs in a fresh process (a cold start).
// - On a cold start, a function that reads roles (a guard, the authorizer) asks for the user's roles
//   while its first token waits for the signing keys: the two share one wait. The answer counts only
//   for the token that verified; a token that does not verify costs the core that one read per process.
//   The authorizer also asks then for the permissions of the declared roles the token names, and
//   for no other role's until it has the user's roles.
// - A refresh whose roles read gets no answer in time still succeeds: the core has already rotated
//   the tokens. The new token keeps the roles it had, and one WARN line says so.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunctions } from "../../../scripts/bundler/bundle.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { jsonObject } from "../../../src/edge/base64url.ts";
import { readCatalog, seedRoles } from "../../../src/roles/catalog.ts";
import { rolesFromCore } from "../../../src/roles/from-core.ts";
import { rolePayload } from "../../../src/roles/token-write.ts";
import { httpApiAuthorizerEvent, type SimpleAuthorizerAnswer } from "../../helpers/authorizer-events.ts";
import { type CountingProxy, startCountingProxy } from "../../helpers/counting-proxy.ts";
import { functionUrlEvent } from "../../helpers/events.ts";
import { splitJwt } from "../../helpers/forge.ts";
import { runNode } from "../../helpers/roles-cli.ts";
import { type Credentials, createSession, withSuperTokens } from "../../helpers/session-client.ts";

const RUNNER = fileURLToPath(new URL("../helpers/invoke-bundle.mjs", import.meta.url));
const KEYS = "GET /.well-known/jwks.json";
const ROLES = "GET /public/recipe/user/roles";
const PERMISSIONS = "GET /recipe/role/permissions";
const KEYS_HELD_MS = 300;
/** How long the forwarder holds the answer to a roles read (0: not at all). */
let rolesHeldMs = 0;

const core = withSuperTokens();
let workDir = "";
const bundles = new Map<string, string>();
let proxy: CountingProxy;
let editor: Credentials;

/** A header-mode session of a user holding `roles`, its token written as our auth function writes it. */
async function issuedWithRoles(userId: string, roles: string[]): Promise<Credentials> {
  for (const role of roles) await UserRoles.addRoleToUser("public", userId, role);
  const config = loadConfig({ SUPERTOKENS_CONNECTION_URI: core.url });
  const state = await rolesFromCore({ ...config, rolePermissionsMaxAgeMs: 0 }, "public", userId);
  return createSession("header", userId, rolePayload(state));
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "cold-roles-"));
  const built = await buildFunctions({ outDir: workDir, only: ["authorizer", "editor-only", "auth"] });
  for (const result of built) bundles.set(result.name, result.lambda.file);
  await seedRoles(await readCatalog());
  // An editor whose token already says so (as our auth function issues it): the guard writes nothing.
  editor = await issuedWithRoles(`cold-editor-${process.pid}`, ["user", "editor"]);
  proxy = await startCountingProxy(core.url, {
    holdMs: (path) =>
      path === "/.well-known/jwks.json"
        ? KEYS_HELD_MS
        : path.endsWith("/recipe/user/roles")
          ? rolesHeldMs
          : 0,
  });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** The answers of one fresh process of the bundle (one cold start) to `events`, and its log lines. */
async function coldRun(name: string, events: unknown[], extraEnv: Record<string, string> = {}) {
  proxy.reset();
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`${name} was not built`);
  const env = {
    PATH: process.env.PATH,
    SUPERTOKENS_CONNECTION_URI: proxy.url,
    API_DOMAIN: "http://localhost:3000",
    WEBSITE_DOMAIN: "http://localhost:3001",
    ...extraEnv,
  };
  const input = JSON.stringify(events.map((event) => ({ kind: "lambda", event })));
  const { code, stdout, stderr } = await runNode([RUNNER, bundle], { env, input });
  if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr}`);
  // The runner's answers are the last line; the function's log lines come before it.
  const lines = `${stderr}\n${stdout}`.split("\n").filter((line) => line.trim() !== "");
  const answers = JSON.parse(stdout.split("\n").at(-1) ?? "") as Array<Record<string, unknown>>;
  const logs = lines
    .slice(0, -1)
    .map(jsonObject)
    .filter((line): line is Record<string, unknown> => line !== undefined);
  return { answers, logs };
}

const coldProcess = async (name: string, events: unknown[]) => (await coldRun(name, events)).answers;

const bearer = (token: string) =>
  functionUrlEvent({ method: "GET", path: "/editor-only", headers: { authorization: `Bearer ${token}` } });

/** The same token with other claims (another user's id, another tenant): it no longer verifies. */
function withClaims(token: string, claims: Record<string, unknown>): string {
  const [head, , signature] = token.split(".");
  const payload = { ...splitJwt(token).payload, ...claims };
  return `${head}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
}

describe("a cold start of a function that reads roles", () => {
  it("the authorizer asks for the roles while the keys are on their way, and allows with them", async () => {
    const [answer] = await coldProcess("authorizer", [httpApiAuthorizerEvent(editor.accessToken)]);
    const decided = answer?.result as SimpleAuthorizerAnswer;
    expect(decided.isAuthorized).toBe(true);
    expect(decided.context?.roles?.split(",")).toContain("editor");
    const { roles: catalog } = await readCatalog();
    const expected = new Set([...(catalog.user ?? []), ...(catalog.editor ?? [])]);
    expect(decided.context?.permissions?.split(",").sort()).toEqual([...expected].sort());
    const events = proxy.events;
    expect(events.indexOf(`→ ${ROLES}`)).toBeGreaterThan(-1);
    expect(events.indexOf(`→ ${ROLES}`)).toBeLessThan(events.indexOf(`← ${KEYS}`));
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(1);
    // The token names user and editor: their permissions, read while the keys are on their way; not
    // those of admin, which roles.json declares too.
    expect(proxy.paths.filter((call) => call === PERMISSIONS)).toHaveLength(2);
    expect(events.lastIndexOf(`→ ${PERMISSIONS}`)).toBeLessThan(events.indexOf(`← ${KEYS}`));
    expect(proxy.paths.filter((call) => call === KEYS)).toHaveLength(1);
  });

  it("the authorizer reads a role the token does not name once it has the user's roles", async () => {
    // Granted after the token was issued: the token says user and editor, the core says admin too.
    const userId = `cold-promoted-${process.pid}`;
    const promoted = await issuedWithRoles(userId, ["user", "editor"]);
    await UserRoles.addRoleToUser("public", userId, "admin");
    const [answer] = await coldProcess("authorizer", [httpApiAuthorizerEvent(promoted.accessToken)]);
    const decided = answer?.result as SimpleAuthorizerAnswer;
    expect(decided.isAuthorized).toBe(true);
    expect(decided.context?.roles?.split(",").sort()).toEqual(["admin", "editor", "user"]);
    const { roles: catalog } = await readCatalog();
    expect(catalog.admin?.length).toBeGreaterThan(0);
    expect(decided.context?.permissions?.split(",")).toEqual(expect.arrayContaining(catalog.admin ?? []));
    expect(proxy.paths.filter((call) => call === PERMISSIONS)).toHaveLength(3);
    // admin's permissions are asked for after the roles answer named it.
    expect(proxy.events.lastIndexOf(`→ ${PERMISSIONS}`)).toBeGreaterThan(proxy.events.indexOf(`← ${ROLES}`));
  });

  it("a guard does the same once; its next request reads the roles once more, after verifying", async () => {
    const answers = await coldProcess("editor-only", [
      bearer(editor.accessToken),
      bearer(editor.accessToken),
    ]);
    expect(answers.map((answer) => (answer.result as { statusCode: number }).statusCode)).toEqual([200, 200]);
    expect(proxy.events.indexOf(`→ ${ROLES}`)).toBeLessThan(proxy.events.indexOf(`← ${KEYS}`));
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(2);
    expect(proxy.paths.filter((call) => call === KEYS)).toHaveLength(1);
    // A guard that requires roles only, with a token that already names them, reads no permissions.
    expect(proxy.paths.filter((call) => call === PERMISSIONS)).toHaveLength(0);
  });

  it("tokens that do not verify cost the core one roles read per process (the early one) and get nothing", async () => {
    const forged = withClaims(editor.accessToken, { sub: "someone-else" });
    const answers = await coldProcess("editor-only", [bearer(forged), bearer(forged), bearer(forged)]);
    expect(answers.map((answer) => (answer.result as { statusCode: number }).statusCode)).toEqual([
      401, 401, 401,
    ]);
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(1);
    const authorized = await coldProcess("authorizer", [
      httpApiAuthorizerEvent(forged),
      httpApiAuthorizerEvent(forged),
    ]);
    expect(authorized.map((answer) => answer.error)).toEqual(["Unauthorized", "Unauthorized"]);
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(1);
    // The authorizer's early permission reads too: the token's declared roles, once per process.
    expect(proxy.paths.filter((call) => call === PERMISSIONS)).toHaveLength(2);
  });

  it("a tenant that is not a tenant id gets no early read: `..` would take the request off its path", async () => {
    for (const tId of ["..", ".", "a/b", "Public"]) {
      const forged = withClaims(editor.accessToken, { tId });
      const answers = await coldProcess("editor-only", [bearer(forged)]);
      expect((answers[0]?.result as { statusCode: number }).statusCode, tId).toBe(401);
      expect(
        proxy.paths.filter((call) => call.endsWith("/recipe/user/roles")),
        tId,
      ).toEqual([]);
    }
  });
});

describe("a refresh whose roles read gets no answer in time", () => {
  it("answers 200 with new tokens that keep their roles, and says so in one WARN line", async () => {
    rolesHeldMs = 2000;
    try {
      const refresh = functionUrlEvent({
        method: "POST",
        path: "/auth/session/refresh",
        headers: { authorization: `Bearer ${editor.refreshToken}`, "st-auth-mode": "header" },
      });
      const { answers, logs } = await coldRun("auth", [refresh], { CORE_TIMEOUT_MS: "300" });
      const result = answers[0]?.result as { statusCode: number; headers: Record<string, string> };
      expect(result.statusCode).toBe(200);
      const issued = result.headers["st-access-token"];
      expect(issued).toBeDefined();
      expect(issued).not.toBe(editor.accessToken);
      const roleClaims = (token: string) => {
        const { role, "st-role": roles, "st-perm": permissions, scope } = splitJwt(token).payload;
        return {
          role,
          roles: (roles as { v: string[] }).v,
          permissions: (permissions as { v: string[] }).v,
          scope,
        };
      };
      expect(roleClaims(issued!)).toEqual(roleClaims(editor.accessToken));
      expect(proxy.paths).toContain(ROLES);
      expect(logs.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "refresh kept the token's roles: the core did not answer the roles read",
      ]);
    } finally {
      rolesHeldMs = 0;
    }
  });
});
