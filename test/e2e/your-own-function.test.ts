// README "Your own function", followed literally in a fresh copy of the project: scaffold one file,
// its test passes, `npm run build` bundles it, `serverless package` deploys it, and under sls offline
// and netlify functions:serve it answers 200 with a session and 401 without. No other file is edited.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as StackModule from "../../scripts/stack.ts";
import { BrowserLikeClient } from "../helpers/browser-like-client.ts";
import { ROOT } from "./helpers/browser.ts";

const run = promisify(execFile);
/** What a fresh clone has after `npm install`: the tracked tree, and node_modules (linked, not copied). */
const SKIP = new Set(["node_modules", "dist", ".data", ".git", "test-output", ".serverless", ".netlify"]);

let copy = "";
const env = { ...process.env, SLS_TELEMETRY_DISABLED: "1", NETLIFY_TELEMETRY_DISABLED: "1", NO_COLOR: "1" };
const npm = (args: string[]) => run("npm", args, { cwd: copy, env, maxBuffer: 16 * 1024 * 1024 });

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "session-roles-own-function-"));
  cpSync(ROOT, copy, {
    recursive: true,
    filter: (source) => !SKIP.has(relative(ROOT, source).split("/")[0] ?? ""),
  });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe("your own function, as the README says", () => {
  it("npm run new-function -- promote writes one function file and its test", async () => {
    const { stdout } = await npm(["run", "new-function", "--", "promote", "--method", "GET"]);
    expect(stdout).toContain("wrote functions/promote.ts and test/integration/functions/promote.test.ts");
    expect(existsSync(join(copy, "functions", "promote.ts"))).toBe(true);
    expect(readFileSync(join(copy, "functions", "promote.ts"), "utf8")).toContain(
      'export const config: FunctionConfig = { path: "/promote", method: "GET" };',
    );
  });

  it("its test passes straight away", async () => {
    const { stdout, stderr } = await run(
      join(copy, "node_modules", ".bin", "vitest"),
      ["run", "test/integration/functions/promote.test.ts"],
      { cwd: copy, env },
    );
    expect(`${stdout}${stderr}`).toMatch(/Tests\s+2 passed \(2\)/);
  }, 120_000);

  it("a function file missing an export fails the build with one line naming the file and the export", async () => {
    const broken = join(copy, "functions", "lambda-only-by-mistake.ts");
    writeFileSync(
      broken,
      'import { verifySession } from "../src/index.ts";\nexport const config = { path: "/oops" };\nexport const handler = verifySession(() => ({ ok: true }));\n',
    );
    try {
      const failure = await npm(["run", "build"]).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(
        "functions/lambda-only-by-mistake.ts: missing export `default`: the Netlify Functions v2 handler: `export default verifySessionNetlify(yourHandler)`",
      );
      expect(failure?.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(broken);
    }
  }, 120_000);

  it("npm run build bundles it for Lambda and Netlify within the default budget", async () => {
    const { stdout } = await npm(["run", "build"]);
    expect(stdout).toMatch(/promote\s+[\d.]+\s+[\d.]+\s+\d+ \/ \d+ \(default\)\s+ok/);
    expect(existsSync(join(copy, "dist", "lambda", "promote.zip"))).toBe(true);
    expect(existsSync(join(copy, "dist", "netlify", "promote.mjs"))).toBe(true);
  }, 120_000);

  it("serverless package deploys it on GET /promote", async () => {
    await run(
      process.execPath,
      ["node_modules/serverless/bin/serverless.js", "package", "--stage", "dev", "--package", ".serverless"],
      { cwd: copy, env },
    );
    const template = JSON.parse(
      readFileSync(join(copy, ".serverless", "cloudformation-template-update-stack.json"), "utf8"),
    ) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const routes = Object.values(template.Resources)
      .filter((resource) => resource.Type === "AWS::ApiGatewayV2::Route")
      .map((resource) => resource.Properties.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(["GET /promote", "OPTIONS /promote"]));
    expect(Object.keys(template.Resources)).toContain("PromoteLambdaFunction");
  }, 120_000);

  describe.each(["sls", "netlify"] as const)("under %s", (platform) => {
    let stack: StackModule.Stack;

    beforeAll(async () => {
      // The copy's own stack script, so it serves the copy's dist/ and functions.
      const { startStack } = (await import(join(copy, "scripts", "stack.ts"))) as typeof StackModule;
      stack = await startStack({
        platform,
        port: 0,
        corePort: 0,
        outDir: join(copy, "dist"),
        skipBuild: true,
      });
    }, 180_000);

    afterAll(async () => {
      await stack?.close();
    });

    it("answers 401 without a session and 200 with one", async () => {
      const anonymous = await fetch(new URL("/promote", stack.apiUrl));
      expect(anonymous.status).toBe(401);
      const client = new BrowserLikeClient(stack.apiUrl);
      const signUp = await client.signUp(`own-${platform}-${Date.now()}@example.com`);
      expect(signUp.status).toBe(200);
      const reply = await client.request("GET", "/promote");
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        userId: (signUp.body as { user: { id: string } }).user.id,
        role: "user",
      });
    });
  });
});
