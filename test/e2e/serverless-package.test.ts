// `serverless package` works offline and deploys exactly the esbuild artifacts.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, ROOT } from "../../scripts/stack.ts";

const run = promisify(execFile);
// Every file in functions/ is a function: nothing else lists them.
const FUNCTIONS = readdirSync(join(ROOT, "functions"))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3));

describe("serverless package", () => {
  let work: string;
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "session-roles-package-"));
    const dist = join(work, "dist");
    await buildOnce(dist);
    await run(
      process.execPath,
      [
        "node_modules/serverless/bin/serverless.js",
        "package",
        "--stage",
        "dev",
        "--package",
        join(work, "package"),
      ],
      { cwd: ROOT, env: { ...process.env, SESSION_ROLES_DIST: dist, SLS_TELEMETRY_DISABLED: "1" } },
    );
    template = JSON.parse(
      await readFile(join(work, "package", "cloudformation-template-update-stack.json"), "utf8"),
    );
  }, 120_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("declares every function on nodejs22.x, arm64, with the bundle's handler", () => {
    const lambdas = Object.values(template.Resources).filter(
      (resource) => resource.Type === "AWS::Lambda::Function",
    );
    expect(lambdas).toHaveLength(FUNCTIONS.length);
    for (const lambda of lambdas) {
      expect(lambda.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
      });
      expect(JSON.stringify(lambda.Properties.Environment)).not.toMatch(/api-?key"\s*:\s*"[^"]+"/i);
    }
  });

  it("routes every path through the HTTP API", () => {
    const routes = Object.values(template.Resources)
      .filter((resource) => resource.Type === "AWS::ApiGatewayV2::Route")
      .map((resource) => resource.Properties.RouteKey);
    expect(routes).toEqual(
      expect.arrayContaining([
        "ANY /auth/{proxy+}",
        "POST /update-role",
        "GET /session",
        "ANY /users/{proxy+}",
        "GET /editor-only",
        "OPTIONS /update-role",
      ]),
    );
  });

  it.each(FUNCTIONS)("the %s zip holds only the bundle", async (name) => {
    const entries = Object.keys(unzipSync(await readFile(join(work, "dist", "lambda", `${name}.zip`))));
    expect(entries).toEqual(["index.mjs"]);
  });
});
