// A host that runs several functions in one process (a local server) keeps each bundle's own
// "supertokens-node was loaded" flag apart: `auth` loads supertokens-node at import, and `session`,
// loaded next in the same process, still verifies on its quick path without it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunctions } from "../../scripts/bundler/bundle.ts";
import { superTokensNodeLoadedKey } from "../../src/session/supertokens-lifecycle.ts";
import { functionUrlEvent } from "../helpers/events.ts";
import { runNode } from "../helpers/roles-cli.ts";
import { signUp, withSuperTokens } from "../helpers/session-client.ts";

const core = withSuperTokens();
let workDir = "";
const bundles = new Map<string, string>();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "one-process-"));
  const built = await buildFunctions({ outDir: workDir, only: ["auth", "session"] });
  for (const result of built) bundles.set(result.name, result.lambda.file);
}, 120_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("two functions' bundles in one process", () => {
  it("each sees only its own supertokens-node", async () => {
    const user = await signUp("header");
    const event = functionUrlEvent({
      method: "GET",
      path: "/session",
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    const script = `
      const auth = await import(${JSON.stringify(pathToFileURL(bundles.get("auth") ?? "").href)});
      const session = await import(${JSON.stringify(pathToFileURL(bundles.get("session") ?? "").href)});
      const answer = await session.handler(${JSON.stringify(event)}, {});
      console.log(JSON.stringify({
        auth: globalThis[${JSON.stringify(superTokensNodeLoadedKey("auth.lambda"))}] ?? false,
        session: globalThis[${JSON.stringify(superTokensNodeLoadedKey("session.lambda"))}] ?? false,
        status: answer.statusCode,
        authHandler: typeof auth.handler,
      }));
    `;
    const env = {
      PATH: process.env.PATH,
      SUPERTOKENS_CONNECTION_URI: core.url,
      API_DOMAIN: "http://localhost:3000",
      WEBSITE_DOMAIN: "http://localhost:3001",
    };
    const { code, stdout, stderr } = await runNode(["--input-type=module", "-e", script], { env });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({
      auth: true,
      session: false,
      status: 200,
      authHandler: "function",
    });
  });
});
