/**
 * `npm run build:edge`: the Lambda@Edge viewer-request gate (src/edge/lambda-edge.ts) as one minified ESM
 * file, dist/edge/<name>/index.mjs exporting `handler`. Lambda@Edge has no environment variables, so the
 * settings the gate reads (API_DOMAIN, API_BASE_PATH, EDGE_GATE_RULES, EDGE_SIGN_IN_PATH, EDGE_REFRESH_PATH,
 * ANTI_CSRF) are baked in from this build's environment, and checked now: a bad one fails the build.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { zipSync } from "fflate";
import { GATE_DEFAULTS, type GateVariable, gateSettings } from "../src/edge/settings.ts";
import { parseCli } from "./cli-args.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EDGE_ENTRY = join(ROOT, "src/edge/lambda-edge.ts");

export interface BuiltEdge {
  file: string;
  /** The same file zipped as Lambda takes it (serverless-edge.yml's artifact): `<out>/<name>.zip`. */
  zip: string;
  bytes: number;
  settings: Partial<Record<GateVariable, string>>;
}

/** Builds dist/edge/<name>/index.mjs (or under `outDir`) with `env`'s gate settings baked in. */
export async function buildEdge(
  options: { name?: string; outDir?: string; env?: Record<string, string | undefined> } = {},
): Promise<BuiltEdge> {
  const env = options.env ?? process.env;
  const settings: Partial<Record<GateVariable, string>> = {};
  for (const name of Object.keys(GATE_DEFAULTS) as GateVariable[]) {
    const value = env[name]?.trim();
    if (value) settings[name] = value;
  }
  // Lambda@Edge has no environment: a default API_DOMAIN (localhost) baked in would refuse every request.
  if (!settings.API_DOMAIN)
    throw new Error("edge gate config: set API_DOMAIN (your API's https origin): the build bakes it in");
  gateSettings((name) => settings[name]); // throws the one-line config error before anything is written
  const outDir = options.outDir ?? join(ROOT, "dist/edge");
  const name = options.name ?? "admin-gate";
  const file = join(outDir, name, "index.mjs");
  const result = await build({
    entryPoints: [EDGE_ENTRY],
    outfile: file,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "node22",
    minify: true,
    metafile: true,
    logLevel: "warning",
    define: { EDGE_SETTINGS: JSON.stringify(settings) },
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  const zip = join(outDir, `${name}.zip`);
  // A fixed time stamp: the same settings give the same zip, so a deploy changes nothing when nothing changed.
  const mtime = new Date("2020-01-01T00:00:00Z");
  await writeFile(zip, zipSync({ "index.mjs": [new Uint8Array(await readFile(file)), { mtime }] }));
  return { file, zip, bytes, settings };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseCli({
    usage: `usage: npm run build:edge -- [--name admin-gate] [--out dist/edge]
Builds the Lambda@Edge gate into <out>/<name>/index.mjs with the gate settings of this environment baked in.
Exit codes: 0 built, 1 a bad setting or a failed build, 2 usage.`,
    options: { name: { type: "string" }, out: { type: "string" } },
  });
  try {
    const built = await buildEdge({ name: values.name, outDir: values.out });
    console.log(
      `edge gate: ${built.file} (${(built.bytes / 1024).toFixed(1)} KiB) ${JSON.stringify(built.settings)}`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
