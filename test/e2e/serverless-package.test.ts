// `serverless package` works offline and deploys exactly the esbuild artifacts — with logs kept 30
// days, X-Ray tracing, and never the core's API key in the template.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
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
  return slsPackageOf(join(work, "dist"), "dev", {}, out, ...params);
}

/** The same for any build and stage, with more environment (the deployed URLs). */
function slsPackageOf(dist: string, stage: string, env: NodeJS.ProcessEnv, out: string, ...params: string[]) {
  return run(
    process.execPath,
    ["node_modules/serverless/bin/serverless.js", "package", "--stage", stage, ...params, "--package", out],
    { cwd: ROOT, env: { ...slsEnv(dist), ...env } },
  );
}

/** What a failed `serverless package` said, stdout and stderr together. */
async function refusal(packaging: Promise<unknown>): Promise<string> {
  const failed = await packaging.then(
    () => undefined,
    (error: { stdout: string; stderr: string }) => error,
  );
  expect(failed, "serverless package must fail").toBeDefined();
  return `${failed?.stdout}\n${failed?.stderr}`;
}

/** Each function's environment and the IAM statements on SSM in a packaged template. */
async function packaged(out: string) {
  const packagedTemplate = JSON.parse(
    await readFile(join(out, "cloudformation-template-update-stack.json"), "utf8"),
  ) as Template;
  const resources = Object.values(packagedTemplate.Resources);
  const environments = resources
    .filter((resource) => resource.Type === "AWS::Lambda::Function")
    .map((resource) => (resource.Properties.Environment as { Variables: Record<string, string> }).Variables);
  const ssmStatements = resources
    .filter((resource) => resource.Type === "AWS::IAM::Role")
    .flatMap((resource) => resource.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[])
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .filter((statement) => JSON.stringify(statement).includes("ssm:"));
  return { environments, ssmStatements };
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

  it.each(FUNCTIONS)(
    "the %s zip holds only the bundle: index.mjs, its chunks and their maps",
    async (name) => {
      const entries = Object.keys(unzipSync(await readFile(join(work, "dist", "lambda", `${name}.zip`))));
      const built = (await readdir(join(work, "dist", "lambda", name))).filter((file) =>
        /\.mjs(\.map)?$/.test(file),
      );
      expect(entries).toEqual(built.sort());
      expect(entries).toContain("index.mjs");
      expect(entries).toContain("index.mjs.map");
      for (const entry of entries) expect(entry).toMatch(/^(index|chunk-[A-Z0-9]+)\.mjs(\.map)?$/);
      // auth imports its SMTP delivery (nodemailer) with `await import(...)`: that is a chunk.
      if (name === "auth") expect(entries.length).toBeGreaterThan(1);
    },
  );
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

  it("the local stage reads no parameter, so its role has no ssm:GetParameter statement at all", async () => {
    expect((await packaged(join(work, "package"))).ssmStatements).toEqual([]);
  });

  const DEPLOYED_URLS = {
    API_DOMAIN: "https://api.example.com",
    WEBSITE_DOMAIN: "https://app.example.com",
    SUPERTOKENS_CONNECTION_URI: "https://core.example.com",
  };
  const ssmResource = (name: string) => ({
    "Fn::Join": [
      "",
      [
        "arn:",
        { Ref: "AWS::Partition" },
        ":ssm:",
        { Ref: "AWS::Region" },
        ":",
        { Ref: "AWS::AccountId" },
        `:parameter${name}`,
      ],
    ],
  });
  const reference = "{{resolve:secretsmanager:session-roles/prod/supertokens-api-key}}";

  // README → Deploying → AWS: the three documented ways of handing the functions the key.
  it.each([
    ["the stage's SSM parameter (default)", [], "/session-roles/prod/supertokens-api-key", ""],
    ["another parameter", ["--param=supertokensApiKeyParameter=/my/key"], "/my/key", ""],
    ["a reference resolved at deploy", [`--param=supertokensApiKey=${reference}`], "", reference],
  ])("--stage prod with %s", async (_, params, parameter, key) => {
    const out = join(work, `prod-${parameter.length}-${key.length}`);
    const { stdout, stderr } = await slsPackageOf(join(work, "dist"), "prod", DEPLOYED_URLS, out, ...params);
    // serverless@3's schema predates these runtimes; the deploy guard plugin adds them, so no warning.
    expect(`${stdout}${stderr}`).not.toMatch(/nodejs22\.x|python3\.12|unsupported/i);
    const { environments, ssmStatements } = await packaged(out);
    for (const variables of environments) {
      expect(variables.SUPERTOKENS_API_KEY_PARAMETER).toBe(parameter);
      expect(variables.SUPERTOKENS_API_KEY).toBe(key);
      expect(variables.NODE_OPTIONS).toBe("--enable-source-maps");
    }
    expect(ssmStatements).toEqual(
      parameter ? [{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: ssmResource(parameter) }] : [],
    );
  });
});

describe("the API key passed two ways at once", () => {
  it("is refused in one line: which one was meant cannot be told", async () => {
    const said = await refusal(
      slsPackage(
        join(work, "both"),
        "--param=supertokensApiKey={{resolve:secretsmanager:session-roles/dev/supertokens-api-key}}",
        "--param=supertokensApiKeyParameter=/session-roles/dev/supertokens-api-key",
      ),
    );
    expect(said).toContain(
      "session-roles deploy guard (stage dev): set SUPERTOKENS_API_KEY or SUPERTOKENS_API_KEY_PARAMETER, not both",
    );
  }, 60_000);
});

describe("a build that is not what functions/ holds", () => {
  it("refuses a partial build (--only) in one line: deploying it would remove the others", async () => {
    const partial = join(work, "partial");
    await run(
      process.execPath,
      ["--import", "tsx", "scripts/build.ts", "--out", partial, "--only", FUNCTIONS[0] ?? ""],
      { cwd: ROOT },
    );
    const said = await refusal(slsPackageOf(partial, "dev", {}, join(work, "partial-package")));
    expect(said).toMatch(
      new RegExp(
        `session-roles: the build in ${partial}/ lacks functions/[\\w-]+\\.ts.*: deploying it would remove th(at|ose) functions?; run \`npm run build\` first\n`,
      ),
    );
    expect(existsSync(join(work, "partial-package"))).toBe(false);
  }, 120_000);

  it("refuses a build made from files that changed since", async () => {
    const stale = join(work, "stale");
    await cp(join(work, "dist"), stale, { recursive: true });
    const manifest = JSON.parse(await readFile(join(stale, "functions.json"), "utf8"));
    const file = Object.keys(manifest.sources).find((path) => path.startsWith("functions/")) ?? "";
    manifest.sources[file] = "0000000000000000";
    await writeFile(join(stale, "functions.json"), JSON.stringify(manifest));
    const said = await refusal(slsPackageOf(stale, "dev", {}, join(work, "stale-package")));
    expect(said).toContain(
      `session-roles: ${file} changed since the build in ${stale}/; run \`npm run build\` first`,
    );
  }, 60_000);
});

describe("the bundles", () => {
  it.each(FUNCTIONS)("the %s bundle carries no AWS SDK (the Lambda runtime's is used)", async (name) => {
    const meta = JSON.parse(
      await readFile(join(work, "dist", "lambda", name, "index.meta.json"), "utf8"),
    ) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(meta.inputs).filter((input) => input.includes("@aws-sdk/"))).toEqual([]);
  });
});
