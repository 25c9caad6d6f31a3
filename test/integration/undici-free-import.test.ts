// Importing a built Lambda bundle, init phase included, must not load undici (Node's fetch) on any
// runtime Lambda offers: on Node 22 and 24 an ES module import of `node:http`/`node:https` loads it
// through those modules' lazy getters (~15-30 ms of every cold start; bench/COLD-START.md), which the
// bundler avoids by loading builtins with `require` (scripts/bundler/builtins.ts). Each bundle is
// imported in a fresh process of each runtime in runtimes/ (and the Node running the tests), as
// Lambda's runtime imports it, with the function's environment, against a local core.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunctions, type FunctionResult } from "../../scripts/bundler/bundle.ts";
import { listFunctions } from "../../scripts/bundler/functions.ts";
import { benchRuntimes } from "../../scripts/bundler/runtimes.ts";
import { withLocalCore } from "../helpers/core.ts";
import { runNode } from "../helpers/roles-cli.ts";

const core = withLocalCore();
const runtimes = benchRuntimes();
let workDir = "";
let built: FunctionResult[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "undici-free-"));
  built = await buildFunctions({ outDir: workDir });
}, 120_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Imports `module` (a file URL) in a fresh process of `node`; which undici modules it loaded, and when. */
async function undiciLoadedBy(node: string, module: string, env: NodeJS.ProcessEnv = {}) {
  const probe = `
    const undici = () => process.moduleLoadList.filter((name) => /undici/i.test(name));
    const before = undici();
    await import(${JSON.stringify(module)});
    console.log(JSON.stringify({ before, after: undici() }));
    process.exit(0);`;
  const { code, stdout, stderr } = await runNode(["--input-type=module", "-e", probe], {
    node,
    env: {
      PATH: process.env.PATH,
      SUPERTOKENS_CONNECTION_URI: core.url,
      API_DOMAIN: "http://localhost:3000",
      WEBSITE_DOMAIN: "http://localhost:3001",
      // As on Lambda: the init-phase work (SuperTokens start, the core's keys) runs in the import.
      AWS_LAMBDA_FUNCTION_NAME: "undici-free-import",
      ...env,
    },
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !line.startsWith("{")) throw new Error(`import exited ${code}: ${stdout}${stderr}`);
  return JSON.parse(line) as { before: string[]; after: string[] };
}

describe("importing a built Lambda bundle", () => {
  it("finds Lambda's Node 22 and 24 in runtimes/ (npm ci installs them)", () => {
    // Only linux-x64 binaries are pinned (scripts/install-runtimes.mjs); elsewhere the matrix is
    // the current Node alone and this says so.
    const pinned = process.platform === "linux" && process.arch === "x64";
    const majors = runtimes.map((runtime) => runtime.major);
    expect(majors[0]).toBe(Number(process.versions.node.split(".")[0]));
    if (pinned) expect(majors).toEqual(expect.arrayContaining([22, 24]));
    else expect(majors).toHaveLength(1);
  });

  it("builds a Lambda bundle for every file in functions/", () => {
    expect(built.map((result) => result.name).sort()).toEqual(listFunctions().map((spec) => spec.name));
  });

  for (const runtime of runtimes) {
    it(`on ${runtime.label}: the probe sees undici when something loads it (a \`new Headers()\`)`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "undici-probe-"));
      try {
        const file = join(dir, "headers.mjs");
        await writeFile(file, "new Headers();\n");
        const { before, after } = await undiciLoadedBy(runtime.path, pathToFileURL(file).href);
        expect(before).toEqual([]);
        expect(after.length).toBeGreaterThan(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it(`on ${runtime.label}: no function's import loads undici, metrics on and off`, async () => {
      const loaded: Record<string, string[]> = {};
      for (const result of built)
        for (const metrics of ["true", "false"]) {
          const { after } = await undiciLoadedBy(runtime.path, pathToFileURL(result.lambda.file).href, {
            POWERTOOLS_METRICS_DISABLED: metrics,
          });
          loaded[`${result.name} (metrics ${metrics === "true" ? "off" : "on"})`] = after;
        }
      expect(Object.keys(loaded)).toHaveLength(built.length * 2);
      expect(Object.entries(loaded).filter(([, modules]) => modules.length > 0)).toEqual([]);
    }, 120_000);
  }
});
