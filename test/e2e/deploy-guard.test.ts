// scripts/deploy-guard.cjs, as an operator meets it: `serverless package --stage prod` refuses, in one
// line, the local addresses a forgotten `export` leaves behind, and a plain-text API key; with real
// domains it packages, reading the key from SSM at run time (never in the template).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, ROOT } from "../../scripts/stack.ts";

const execute = promisify(execFile);
const SECRET = "SECRET123-prod-api-key-value";
const DEPLOYED = {
  API_DOMAIN: "https://api.example.com",
  WEBSITE_DOMAIN: "https://app.example.com",
  SUPERTOKENS_CONNECTION_URI: "https://core.example.com",
};

let work: string;
let runs = 0;

interface Packaged {
  ok: boolean;
  /** What serverless printed. */
  said: string;
  /** Every file written to the package folder, as text ("" when none). */
  written: string;
  template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } | undefined;
}

/** `serverless package --stage <stage>` with exactly these variables exported (and no others). */
async function slsPackage(
  stage: string,
  exported: Record<string, string>,
  args: string[] = [],
): Promise<Packaged> {
  const out = join(work, `package-${++runs}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SESSION_ROLES_DIST: join(work, "dist"),
    SLS_TELEMETRY_DISABLED: "1",
  };
  for (const name of [...Object.keys(DEPLOYED), "SUPERTOKENS_API_KEY", "LOG_LEVEL", "OUTBOX_FILE"])
    delete env[name];
  Object.assign(env, exported);
  const argv = [
    "node_modules/serverless/bin/serverless.js",
    "package",
    "--stage",
    stage,
    ...args,
    "--package",
    out,
  ];
  let ok = true;
  let said: string;
  try {
    const { stdout, stderr } = await execute(process.execPath, argv, { cwd: ROOT, env });
    said = `${stdout}\n${stderr}`;
  } catch (error) {
    ok = false;
    said = `${(error as { stdout: string }).stdout}\n${(error as { stderr: string }).stderr}`;
  }
  const text = await readFile(join(out, "cloudformation-template-update-stack.json"), "utf8").catch(() => "");
  const state = await readFile(join(out, "serverless-state.json"), "utf8").catch(() => "");
  return { ok, said, written: `${text}${state}`, template: text ? JSON.parse(text) : undefined };
}

/** The guard's line, which must be exactly one. */
function guardLines(said: string): string[] {
  return said.split("\n").filter((line) => line.includes("session-roles deploy guard"));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "session-roles-guard-"));
  await buildOnce(join(work, "dist"));
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("serverless package --stage prod", () => {
  it("refuses when the domain variables were not exported, naming each, in one line", async () => {
    const result = await slsPackage("prod", {});
    expect(result.ok).toBe(false);
    expect(guardLines(result.said)).toEqual([
      "session-roles deploy guard (stage prod): API_DOMAIN=http://localhost:3000, WEBSITE_DOMAIN=http://localhost:3001, SUPERTOKENS_CONNECTION_URI=http://127.0.0.1:3567 are local addresses: export the deployed URLs (https://…) before packaging (README → Deploying)",
    ]);
    expect(result.written).toBe("");
  });

  it("refuses when only some were exported, naming the rest", async () => {
    const result = await slsPackage("prod", {
      API_DOMAIN: DEPLOYED.API_DOMAIN,
      WEBSITE_DOMAIN: DEPLOYED.WEBSITE_DOMAIN,
      SUPERTOKENS_CONNECTION_URI: "http://localhost:3567",
    });
    expect(result.ok).toBe(false);
    const [line, ...more] = guardLines(result.said);
    expect(more).toEqual([]);
    expect(line).toMatch(/SUPERTOKENS_CONNECTION_URI=http:\/\/localhost:3567 is a local address/);
    expect(line).not.toMatch(/API_DOMAIN|WEBSITE_DOMAIN/);
  });

  it("refuses a plain-text API key, without repeating it", async () => {
    const result = await slsPackage("prod", DEPLOYED, ["--param", `supertokensApiKey=${SECRET}`]);
    expect(result.ok).toBe(false);
    expect(guardLines(result.said)).toHaveLength(1);
    expect(guardLines(result.said)[0]).toMatch(
      /SUPERTOKENS_API_KEY would be written into the CloudFormation template/,
    );
    expect(result.said).not.toContain(SECRET);
    expect(result.written).not.toContain(SECRET);
  });

  it("refuses OUTBOX_FILE, an http:// domain and a trailing slash, in one line", async () => {
    const result = await slsPackage("prod", {
      ...DEPLOYED,
      API_DOMAIN: "https://api.example.com/",
      WEBSITE_DOMAIN: "http://app.example.com",
      OUTBOX_FILE: "/tmp/outbox.jsonl",
    });
    expect(result.ok).toBe(false);
    const [line, ...more] = guardLines(result.said);
    expect(more).toEqual([]);
    expect(line).toMatch(/OUTBOX_FILE=\/tmp\/outbox\.jsonl is for local stacks/);
    expect(line).toMatch(/WEBSITE_DOMAIN=http:\/\/app\.example\.com: plain http/);
    expect(line).toMatch(/API_DOMAIN=https:\/\/api\.example\.com\/: drop the trailing slash/);
    expect(result.written).toBe("");
  });

  it("packages with real domains: the key is read from SSM at run time, never in the template", async () => {
    const result = await slsPackage("prod", DEPLOYED);
    expect(result.ok, result.said).toBe(true);
    expect(guardLines(result.said)).toEqual([]);
    const resources = Object.values(result.template!.Resources);
    const lambdas = resources.filter((resource) => resource.Type === "AWS::Lambda::Function");
    expect(lambdas.length).toBeGreaterThan(0);
    for (const lambda of lambdas) {
      const variables = (lambda.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(variables).toMatchObject({
        ...DEPLOYED,
        SUPERTOKENS_API_KEY_PARAMETER: "/session-roles/prod/supertokens-api-key",
      });
      expect(variables.SUPERTOKENS_API_KEY ?? "").toBe("");
    }
    // The functions may read that one parameter, and nothing else in SSM.
    const policies = JSON.stringify(resources.filter((resource) => resource.Type === "AWS::IAM::Role"));
    expect(policies).toContain('"Action":["ssm:GetParameter"]');
    expect(policies).toContain(":parameter/session-roles/prod/supertokens-api-key");
  });
});
