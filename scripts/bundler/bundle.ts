import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { zipSync } from "fflate";
import { type FunctionSpec, listFunctions, ROOT } from "./functions.ts";
import { type PackageSize, packageSizes } from "./report.ts";
import { FunctionFileError, type Route, readConfigs, routesOf } from "./routes.ts";
import { tricksPlugin } from "./tricks.ts";

export type Platform = "lambda" | "netlify";

/** supertokens-node is CommonJS: its `require("crypto")` etc. need a real `require` in an ES module. */
export const ESM_REQUIRE_BANNER =
  'import{createRequire as __sessionRolesCreateRequire}from"node:module";const require=__sessionRolesCreateRequire(import.meta.url);';

/** Lambda's nodejs22.x runs this; node20 is the oldest runtime we support (package.json engines). */
export const TARGET = "node20";

/** The options every bundle shares; exported so the bench can show exactly what differs from naive. */
export const SHARED_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: TARGET,
  minify: true,
  treeShaking: true,
  sourcemap: "linked",
  metafile: true,
  legalComments: "eof",
  // Prefer packages' ES module builds: they tree-shake, their CommonJS builds do not.
  mainFields: ["module", "main"],
  banner: { js: ESM_REQUIRE_BANNER },
  logLevel: "warning",
} satisfies esbuild.BuildOptions;

/** The virtual entry: each bundle carries only its platform's adapter. */
export function entryFor(spec: FunctionSpec, platform: Platform): string {
  const source = JSON.stringify(spec.source);
  return platform === "lambda"
    ? `export { handler } from ${source};\n`
    : `export { default, config } from ${source};\n`;
}

export interface BundleResult {
  platform: Platform;
  file: string;
  bytes: number;
  gzipBytes: number;
  packages: PackageSize[];
  metafile: esbuild.Metafile;
  tricks: Map<string, number>;
}

export interface FunctionResult {
  name: string;
  profile: FunctionSpec["profile"];
  /** The HTTP API routes from the function's `config` export (none for a Lambda-only function). */
  routes: Route[];
  lambda: BundleResult & { zip: string; zipBytes: number };
  /** Absent for a Lambda-only function (`export const lambdaOnly = true`, e.g. an authorizer). */
  netlify?: BundleResult;
}

/** The export names of a function file, read without bundling or running it. */
async function exportsOf(spec: FunctionSpec): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [spec.source],
    bundle: false,
    write: false,
    metafile: true,
    format: "esm",
    outdir: "probe",
    logLevel: "silent",
  });
  return Object.values(result.metafile.outputs).flatMap((output) => output.exports);
}

/** What each platform needs a function file to export, and how to write it. */
const REQUIRED_EXPORTS: Record<string, string> = {
  handler: "the Lambda handler: `export const handler = verifySession(yourHandler)`",
  default: "the Netlify Functions v2 handler: `export default verifySessionNetlify(yourHandler)`",
  config: 'the route: `export const config = { path: "/your-path", method: "POST" }`',
};

/**
 * The platforms a function file is built for, from its exports (read without running it). A missing
 * export is one line naming the file and the export: esbuild only warns about a missing re-export
 * from a TypeScript file (it might be a type), and the bundle would then export nothing.
 */
async function platformsOf(spec: FunctionSpec): Promise<{ lambdaOnly: boolean }> {
  const exported = new Set(await exportsOf(spec));
  const lambdaOnly = exported.has("lambdaOnly");
  const required = lambdaOnly ? ["handler"] : ["handler", "default", "config"];
  const missing = required.find((name) => !exported.has(name));
  if (missing)
    throw new FunctionFileError(
      relative(ROOT, spec.source),
      `missing export \`${missing}\`: ${REQUIRED_EXPORTS[missing] ?? missing}`,
    );
  return { lambdaOnly };
}

async function bundle(spec: FunctionSpec, platform: Platform, outfile: string): Promise<BundleResult> {
  const tricks = new Map<string, number>();
  const result = await esbuild.build({
    ...SHARED_OPTIONS,
    stdin: {
      contents: entryFor(spec, platform),
      resolveDir: ROOT,
      sourcefile: `${spec.name}.${platform}.entry.ts`,
      loader: "ts",
    },
    absWorkingDir: ROOT,
    outfile,
    write: false,
    plugins: [tricksPlugin(spec.profile, tricks)],
    // Warnings are printed below, once; errors reach the caller.
    logLevel: "silent",
  });
  if (result.warnings.length > 0)
    console.warn((await esbuild.formatMessages(result.warnings, { kind: "warning" })).join("\n"));
  await mkdir(dirname(outfile), { recursive: true });
  let code: Uint8Array | undefined;
  for (const file of result.outputFiles) {
    await writeFile(file.path, file.contents);
    if (file.path === outfile) code = file.contents;
  }
  if (!code) throw new Error(`esbuild wrote no ${outfile}`);
  const metaOut = relative(ROOT, outfile).split("\\").join("/");
  await writeFile(`${outfile.replace(/\.mjs$/, "")}.meta.json`, JSON.stringify(result.metafile));
  return {
    platform,
    file: outfile,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    packages: packageSizes(result.metafile, metaOut),
    metafile: result.metafile,
    tricks,
  };
}

/** A deterministic zip holding only index.mjs: the source map stays in dist (symbolicate offline). */
export function lambdaZip(code: Uint8Array): Uint8Array {
  return zipSync({ "index.mjs": [code, { level: 9, mtime: new Date("2000-01-01T00:00:00Z") }] });
}

export interface BuildOptions {
  outDir?: string;
  /** Function names to build; all by default. */
  only?: string[];
  /** Called once per function when its artifacts are written. */
  onFunction?: (result: FunctionResult) => void;
}

/**
 * Builds every function: `<out>/lambda/<fn>/index.mjs` (+ map, metafile), `<out>/lambda/<fn>.zip`
 * and, unless it is Lambda-only, `<out>/netlify/<fn>.mjs` (+ map, metafile); then the manifest.
 */
export async function buildFunctions(options: BuildOptions = {}): Promise<FunctionResult[]> {
  const outDir = options.outDir ?? join(ROOT, "dist");
  const specs = listFunctions().filter((spec) => !options.only || options.only.includes(spec.name));
  if (options.only) {
    const unknown = options.only.filter((name) => !specs.some((spec) => spec.name === name));
    if (unknown.length > 0) throw new Error(`no such function: ${unknown.join(", ")}`);
  }
  // Every file's exports are checked before the last build is removed.
  const plans = await Promise.all(specs.map(async (spec) => ({ spec, ...(await platformsOf(spec)) })));
  await Promise.all(
    [join(outDir, "lambda"), join(outDir, "netlify")].map((dir) => rm(dir, { recursive: true, force: true })),
  );
  const built = await Promise.all(
    plans.map(async ({ spec, lambdaOnly }) => {
      const [lambda, netlify] = await Promise.all([
        bundle(spec, "lambda", join(outDir, "lambda", spec.name, "index.mjs")),
        lambdaOnly ? undefined : bundle(spec, "netlify", join(outDir, "netlify", `${spec.name}.mjs`)),
      ]);
      const zip = join(outDir, "lambda", `${spec.name}.zip`);
      const zipped = lambdaZip(await readFile(lambda.file));
      await writeFile(zip, zipped);
      return { spec, lambda: { ...lambda, zip, zipBytes: zipped.byteLength }, netlify };
    }),
  );
  const withRoutes = built.flatMap(({ spec, netlify }) => (netlify ? [[spec.name, netlify.file]] : []));
  const configs = await readConfigs(Object.fromEntries(withRoutes));
  const results = built.map(({ spec, lambda, netlify }): FunctionResult => {
    const routes = netlify ? routesOf(configs[spec.name], relative(ROOT, spec.source)) : [];
    const result = {
      name: spec.name,
      profile: spec.profile,
      routes,
      lambda,
      ...(netlify ? { netlify } : {}),
    };
    options.onFunction?.(result);
    return result;
  });
  await writeManifest(outDir, results);
  return results;
}

/** What `serverless.yml` deploys (scripts/serverless-functions.cjs reads it): each function's zip and routes. */
export const MANIFEST = "functions.json";

async function writeManifest(outDir: string, results: FunctionResult[]): Promise<void> {
  const functions = results
    .map((result) => ({ name: result.name, zip: result.lambda.zip, routes: result.routes }))
    .sort((a, b) => a.name.localeCompare(b.name));
  await writeFile(join(outDir, MANIFEST), `${JSON.stringify({ functions }, null, 2)}\n`);
}
