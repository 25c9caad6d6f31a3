// `serverless package` works offline and deploys exactly the esbuild artifacts — with logs kept 30
// days, X-Ray tracing, and never the core's API key in the template.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, ROOT } from "../../scripts/stack.ts";

const run = promisify(execFile);
const SECRET = "SECRET123-the-cores-api-key";
// Every file in functions/ is a function: nothing else lists them.
const FUNCTIONS = readdirSync(join(ROOT, "functions"))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3));

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

/** Environment of a `serverless package` run: nothing from this process that serverless.yml reads. */
function slsEnv(dist: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SESSION_ROLES_DIST: dist, SLS_TELEMETRY_DISABLED: "1" };
  for (const name of [
    "API_DOMAIN",
    "WEBSITE_DOMAIN",
    "SUPERTOKENS_CONNECTION_URI",
    "SUPERTOKENS_API_KEY",
    "LOG_LEVEL",
  ])
    delete env[name];
  return env;
}

/** Every file `serverless package` wrote, as text. */
async function packagedText(dir: string): Promise<string> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const texts = await Promise.all(
    files.filter((file) => file.endsWith(".json")).map((file) => readFile(join(dir, file), "utf8")),
  );
  return texts.join("\n");
}

// One build and one `serverless package --stage dev`, read by both groups below.
let work: string;
let template: Template;

/** `serverless package --stage dev [params] --package <out>` of the shared build. */
function slsPackage(out: string, ...params: string[]) {
  return run(
    process.execPath,
    ["node_modules/serverless/bin/serverless.js", "package", "--stage", "dev", ...params, "--package", out],
    { cwd: ROOT, env: slsEnv(join(work, "dist")) },
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "session-roles-package-"));
  await buildOnce(join(work, "dist"));
  await slsPackage(join(work, "package"));
  template = JSON.parse(
    await readFile(join(work, "package", "cloudformation-template-update-stack.json"), "utf8"),
  );
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("serverless package", () => {
  it("declares every function on nodejs22.x, arm64, with the bundle's handler, and the Python example", () => {
    const all = Object.values(template.Resources).filter(
      (resource) => resource.Type === "AWS::Lambda::Function",
    );
    const python = all.filter((resource) => String(resource.Properties.Runtime).startsWith("python"));
    expect(python.map((resource) => resource.Properties)).toEqual([
      expect.objectContaining({ Runtime: "python3.12", Handler: "backends/python/whoami.handler" }),
    ]);
    const lambdas = all.filter((resource) => !python.includes(resource));
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

  it("wires the Lambda authorizer and the JWT authorizer to the Python routes", () => {
    const resources = Object.values(template.Resources);
    const authorizers = resources
      .filter((resource) => resource.Type === "AWS::ApiGatewayV2::Authorizer")
      .map((resource) => resource.Properties);
    expect(authorizers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Name: "sessionRoles",
          AuthorizerType: "REQUEST",
          EnableSimpleResponses: true,
          AuthorizerPayloadFormatVersion: "2.0",
        }),
        expect.objectContaining({
          Name: "sessionJwt",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.Authorization"],
          JwtConfiguration: { Audience: ["session-roles"], Issuer: "http://localhost:3000/auth" },
        }),
      ]),
    );
    const guarded = resources
      .filter((resource) => resource.Type === "AWS::ApiGatewayV2::Route")
      .filter((resource) => resource.Properties.AuthorizationType)
      .map((resource) => `${resource.Properties.RouteKey} ${resource.Properties.AuthorizationType}`);
    expect(guarded.sort()).toEqual([
      "GET /py/editor CUSTOM",
      "GET /py/jwt/whoami JWT",
      "GET /py/jwt/writer JWT",
      "GET /py/whoami CUSTOM",
    ]);
    // A route's scopes: API Gateway refuses a token whose `scope` holds none of them.
    const scoped = resources
      .filter((resource) => resource.Type === "AWS::ApiGatewayV2::Route")
      .filter((resource) => resource.Properties.AuthorizationScopes)
      .map((resource) => [resource.Properties.RouteKey, resource.Properties.AuthorizationScopes]);
    expect(scoped).toEqual([["GET /py/jwt/writer", ["content:write"]]]);
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
        "GET /py/whoami",
        "GET /py/editor",
        "GET /py/jwt/whoami",
        "OPTIONS /update-role",
      ]),
    );
  });

  it.each(FUNCTIONS)("the %s zip holds only the bundle: index.mjs and its chunks, no maps", async (name) => {
    const entries = Object.keys(unzipSync(await readFile(join(work, "dist", "lambda", `${name}.zip`))));
    const built = (await readdir(join(work, "dist", "lambda", name))).filter((file) => file.endsWith(".mjs"));
    expect(entries).toEqual(built.sort());
    expect(entries).toContain("index.mjs");
    for (const entry of entries) expect(entry).toMatch(/^(index|chunk-[A-Z0-9]+)\.mjs$/);
    // auth imports its SMTP delivery (nodemailer) with `await import(...)`: that is a chunk.
    if (name === "auth") expect(entries.length).toBeGreaterThan(1);
  });
});

describe("operable in production", () => {
  const ofType = (type: string) =>
    Object.values(template.Resources).filter((resource) => resource.Type === type);

  it("keeps every log group 30 days and traces every function in X-Ray", () => {
    const groups = ofType("AWS::Logs::LogGroup");
    expect(groups.length).toBeGreaterThanOrEqual(FUNCTIONS.length);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const lambda of ofType("AWS::Lambda::Function"))
      expect(lambda.Properties.TracingConfig).toEqual({ Mode: "Active" });
  });

  it("on the local stage, reads no key from SSM and writes no key", () => {
    for (const lambda of ofType("AWS::Lambda::Function")) {
      const variables = (lambda.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(variables.SUPERTOKENS_API_KEY ?? "").toBe("");
      expect(variables.SUPERTOKENS_API_KEY_PARAMETER ?? "").toBe("");
      expect(variables.LOG_LEVEL).toBe("INFO");
    }
  });

  it("refuses a literal API key in one line, and writes nothing", async () => {
    const out = join(work, "with-key");
    const failed = await slsPackage(out, "--param", `supertokensApiKey=${SECRET}`).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(failed, "serverless package must fail").toBeDefined();
    const said = `${failed?.stdout}\n${failed?.stderr}`;
    expect(said).toMatch(
      /session-roles deploy guard \(stage dev\): SUPERTOKENS_API_KEY would be written into the CloudFormation template in plain text/,
    );
    expect(said).not.toContain(SECRET);
    expect(await packagedText(out)).not.toContain(SECRET);
  });

  it("passes a {{resolve:ssm:…}} reference: the template holds the reference, not the key", async () => {
    const out = join(work, "with-reference");
    const reference = "{{resolve:ssm:/session-roles/dev/supertokens-api-key}}";
    await slsPackage(out, "--param", `supertokensApiKey=${reference}`);
    const packaged = JSON.parse(
      await readFile(join(out, "cloudformation-template-update-stack.json"), "utf8"),
    ) as Template;
    const lambdas = Object.values(packaged.Resources).filter(
      (resource) => resource.Type === "AWS::Lambda::Function",
    );
    for (const lambda of lambdas)
      expect(
        (lambda.Properties.Environment as { Variables: Record<string, string> }).Variables
          .SUPERTOKENS_API_KEY,
      ).toBe(reference);
  });

  it.each(FUNCTIONS)("the %s bundle carries no AWS SDK (the Lambda runtime's is used)", async (name) => {
    const meta = JSON.parse(
      await readFile(join(work, "dist", "lambda", name, "index.meta.json"), "utf8"),
    ) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(meta.inputs).filter((input) => input.includes("@aws-sdk/"))).toEqual([]);
  });
});
