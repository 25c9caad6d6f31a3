// On a cold start, a function that reads roles (a guard, the authorizer) asks the core for the user's
// roles while its first token waits for the signing keys: the two share one wait. The answer counts
// only for the token that verified; a token that does not verify costs the core at most that one
// read per process. The built bundles, each run in a fresh process (a cold start), against the local
// core behind a forwarder that holds the key set's answer back for a while (a slow core).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunctions } from "../../../scripts/bundler/bundle.ts";
import { loadConfig } from "../../../src/config/index.ts";
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

const core = withSuperTokens();
let workDir = "";
const bundles = new Map<string, string>();
let proxy: CountingProxy;
let editor: Credentials;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "cold-roles-"));
  const built = await buildFunctions({ outDir: workDir, only: ["authorizer", "editor-only"] });
  for (const result of built) bundles.set(result.name, result.lambda.file);
  await seedRoles(await readCatalog());
  // An editor whose token already says so (as our auth function issues it): the guard writes nothing.
  const userId = `cold-editor-${process.pid}`;
  for (const role of ["user", "editor"]) await UserRoles.addRoleToUser("public", userId, role);
  const config = loadConfig({ SUPERTOKENS_CONNECTION_URI: core.url });
  const state = await rolesFromCore({ ...config, rolePermissionsMaxAgeMs: 0 }, "public", userId);
  editor = await createSession("header", userId, rolePayload(state));
  proxy = await startCountingProxy(core.url, {
    holdMs: (path) => (path === "/.well-known/jwks.json" ? KEYS_HELD_MS : 0),
  });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `events` in order through one fresh process of the bundle (one cold start). */
async function coldProcess(name: string, events: unknown[]): Promise<Array<Record<string, unknown>>> {
  proxy.reset();
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`${name} was not built`);
  const env = {
    PATH: process.env.PATH,
    SUPERTOKENS_CONNECTION_URI: proxy.url,
    API_DOMAIN: "http://localhost:3000",
    WEBSITE_DOMAIN: "http://localhost:3001",
  };
  const input = JSON.stringify(events.map((event) => ({ kind: "lambda", event })));
  const { code, stdout, stderr } = await runNode([RUNNER, bundle], { env, input });
  if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

const bearer = (token: string) =>
  functionUrlEvent({ method: "GET", path: "/editor-only", headers: { authorization: `Bearer ${token}` } });

/** The same token with another user's id: it no longer verifies. */
function withSub(token: string, sub: string): string {
  const [head, , signature] = token.split(".");
  const payload = { ...splitJwt(token).payload, sub };
  return `${head}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
}

describe("a cold start of a function that reads roles", () => {
  it("the authorizer asks for the roles while the keys are on their way, and allows with them", async () => {
    const [answer] = await coldProcess("authorizer", [httpApiAuthorizerEvent(editor.accessToken)]);
    const decided = answer?.result as SimpleAuthorizerAnswer;
    expect(decided.isAuthorized).toBe(true);
    expect(decided.context?.roles?.split(",")).toContain("editor");
    const events = proxy.events;
    expect(events.indexOf(`→ ${ROLES}`)).toBeGreaterThan(-1);
    expect(events.indexOf(`→ ${ROLES}`)).toBeLessThan(events.indexOf(`← ${KEYS}`));
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(1);
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
    const forged = withSub(editor.accessToken, "someone-else");
    const answers = await coldProcess("editor-only", [bearer(forged), bearer(forged), bearer(forged)]);
    expect(answers.map((answer) => (answer.result as { statusCode: number }).statusCode)).toEqual([
      401, 401, 401,
    ]);
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(1);
    const authorized = await coldProcess("authorizer", [httpApiAuthorizerEvent(forged)]);
    expect(authorized[0]?.error).toBe("Unauthorized");
    expect(proxy.paths.filter((call) => call === ROLES)).toHaveLength(1);
  });
});
