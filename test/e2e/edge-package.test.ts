// `serverless package --config serverless-edge.yml` works offline and ships the Lambda@Edge gate as built:
// one viewer-request association on the distribution, no environment variables (Lambda@Edge has none;
// the settings are in the file), Lambda@Edge's limits.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEdge } from "../../scripts/build-edge.ts";
import { ROOT } from "../../scripts/stack.ts";

const run = promisify(execFile);
// biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template, read field by field below
type Properties = Record<string, any>;
type Template = { Resources: Record<string, { Type: string; Properties: Properties }> };

let work: string;
let template: Template;
let zip: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "edge-package-"));
  const built = await buildEdge({
    outDir: join(work, "dist"),
    env: { API_DOMAIN: "https://api.example.com" },
  });
  zip = built.zip;
  const env = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: "1",
    EDGE_ARTIFACT: zip,
    EDGE_ORIGIN: "https://app.example.com",
  };
  await run(
    process.execPath,
    [
      "node_modules/serverless/bin/serverless.js",
      "package",
      "--config",
      "serverless-edge.yml",
      "--package",
      join(work, "out"),
    ],
    { cwd: ROOT, env },
  );
  template = JSON.parse(
    await readFile(join(work, "out", "cloudformation-template-update-stack.json"), "utf8"),
  );
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const ofType = (type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

describe("serverless package of the edge gate", () => {
  it("associates the function with the distribution's default behaviour (every path) as a viewer-request handler, over https", () => {
    const [distribution] = ofType("AWS::CloudFront::Distribution");
    const config = distribution!.Properties.DistributionConfig as Properties;
    expect(config.CacheBehaviors ?? []).toEqual([]);
    const behaviour = config.DefaultCacheBehavior as Properties;
    expect(behaviour).toMatchObject({ ViewerProtocolPolicy: "redirect-to-https" });
    expect(behaviour.LambdaFunctionAssociations).toEqual([
      expect.objectContaining({ EventType: "viewer-request", IncludeBody: false }),
    ]);
  });

  it("a Lambda@Edge function: no environment, 128 MB, 5 s, x86_64, handler index.handler", () => {
    const [fn] = ofType("AWS::Lambda::Function");
    expect(fn!.Properties.Environment).toBeUndefined();
    expect(fn!.Properties).toMatchObject({
      Handler: "index.handler",
      MemorySize: 128,
      Timeout: 5,
      Runtime: "nodejs22.x",
    });
    expect(fn!.Properties.Architectures ?? ["x86_64"]).toEqual(["x86_64"]);
  });

  it("ships the built zip (the file alone, with the API domain baked in)", async () => {
    const state = await readFile(join(work, "out", "serverless-state.json"), "utf8");
    expect(JSON.parse(state).service.functions.adminGate.package.artifact).toBe(zip);
    const files = unzipSync(new Uint8Array(await readFile(zip)));
    expect(Object.keys(files)).toEqual(["index.mjs"]);
    expect(new TextDecoder().decode(files["index.mjs"])).toContain("https://api.example.com");
  });
});
