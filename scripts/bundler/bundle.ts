import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { zipSync } from "fflate";
import { builtinsPlugin } from "./builtins.ts";
import { probeExports } from "./exports-probe.ts";
import { type FunctionSpec, listFunctions, ROOT } from "./functions.ts";
import { lazyEntriesPlugin } from "./lazy-entries.ts";
import { type PackageSize, packageSizes } from "./report.ts";
import { FunctionFileError, type Route, readConfigs, routesOf } from "./routes.ts";
import { INIT_PHASE_EXPORT, layoutStart } from "./start-layout.ts";
import { tricksPlugin } from "./tricks.ts";

export type Platform = "lambda" | "netlify";

/**
 * supertokens-node is CommonJS: its `require("crypto")` etc. need a `require` in an ES module. A builtin
 * comes from `process.getBuiltinModule` (Node's module object, nothing else loaded); only another
 * module makes the real `require`, on first use: `createRequire` at the top of every file cost each
 * cold start an ES-module facade of `node:module` and a CommonJS resolver (COLD-START.md, cut 21).
 */
export const ESM_REQUIRE_BANNER =
  'let __sessionRolesRequire;const require=(id)=>process.getBuiltinModule(id)??(__sessionRolesRequire??=process.getBuiltinModule("node:module").createRequire(import.meta.url))(id);';

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
  // Stacks need the mappings only; the sources are in the repository (a map is then ~4x smaller).
  sourcesContent: false,
  metafile: true,
  legalComments: "eof",
  // Prefer packages' ES module builds: they tree-shake, their CommonJS builds do not.
  mainFields: ["module", "main"],
  banner: { js: ESM_REQUIRE_BANNER },
  // src/session/supertokens-lifecycle.ts: in a bundle, supertokens-node says itself whether it was loaded.
  define: { __SESSION_ROLES_BUNDLE__: "true" },
  logLevel: "warning",
} satisfies esbuild.BuildOptions;

/** Where the init phase's work is waited for (src/session/supertokens-lifecycle.ts). */
const INIT_PHASE = join(ROOT, "src", "session", "supertokens-lifecycle.ts");

/** Where a bundle declares its function's route: shapes without API Gateway's pathParameters match it. */
const ROUTE_PARAMS = join(ROOT, "src", "http", "route-params.ts");

/**
 * The virtual entry: each bundle carries only its platform's adapter (and its route, if it has one). A
 * Lambda entry also exports the init phase's wait, which index.mjs awaits when the init phase has work
 * (./start-layout.ts).
 */
export function entryFor(spec: FunctionSpec, platform: Platform, hasConfig = true): string {
  const source = JSON.stringify(spec.source);
  const routes = hasConfig
    ? `import { config as route } from ${source};\nimport { declareRoutes } from ${JSON.stringify(ROUTE_PARAMS)};\ndeclareRoutes(route.path);\n`
    : "";
  return platform === "lambda"
    ? `export { handler } from ${source};\n${routes}export { initPhaseDone as ${INIT_PHASE_EXPORT} } from ${JSON.stringify(INIT_PHASE)};\n`
    : `export { default, config } from ${source};\n${routes}`;
}

/** The import path of a function's virtual entry (esbuild takes no `stdin` when it splits). */
const ENTRY_PREFIX = "session-roles-entry:";

function entryPath(spec: FunctionSpec, platform: Platform): string {
  return `${ENTRY_PREFIX}${spec.name}.${platform}`;
}

/** Serves `entryFor(spec, platform)` at `entryPath(spec, platform)`, as if it were a file in the project. */
function entryPlugin(spec: FunctionSpec, platform: Platform): esbuild.Plugin {
  const namespace = "session-roles-entry";
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${ENTRY_PREFIX}`) }, (args) => ({
        path: args.path.slice(ENTRY_PREFIX.length),
        namespace,
      }));
      build.onLoad({ filter: /.*/, namespace }, async () => ({
        contents: entryFor(spec, platform, (await exportsOf(spec)).includes("config")),
        resolveDir: ROOT,
        loader: "ts",
      }));
    },
  };
}

/** Only where the files go: the rest is SHARED_OPTIONS (a wider type would lose `metafile: true`). */
type LayoutOptions = Pick<
  esbuild.BuildOptions,
  "entryPoints" | "outfile" | "outdir" | "splitting" | "chunkNames" | "outExtension"
>;

/**
 * Lambda: code splitting, so what a function reaches only through `await import(...)` lands in a
 * chunk next to index.mjs and is read and compiled when first needed, not at cold start. Netlify: one
 * file, because Netlify takes every top-level file of the functions folder for a function.
 */
function layout(
  spec: FunctionSpec,
  platform: Platform,
  outDir: string,
): { entryFile: string; options: LayoutOptions } {
  const entry = entryPath(spec, platform);
  if (platform === "netlify") {
    const entryFile = join(outDir, "netlify", `${spec.name}.mjs`);
    return { entryFile, options: { entryPoints: [entry], outfile: entryFile } };
  }
  const dir = join(outDir, "lambda", spec.name);
  return {
    entryFile: join(dir, "index.mjs"),
    options: {
      entryPoints: [{ in: entry, out: "index" }],
      outdir: dir,
      splitting: true,
      chunkNames: "chunk-[hash]",
      outExtension: { ".js": ".mjs" },
    },
  };
}

export interface BundleResult {
  platform: Platform;
  /** The entry module: `lambda/<fn>/index.mjs` or `netlify/<fn>.mjs`. */
  file: string;
  /** Every JavaScript file the function ships: the entry first, then its chunks (Lambda), by name. */
  files: string[];
  /** Minified bytes of all `files`: what the function ships (budgets.json). */
  bytes: number;
  /** The sum of each file's gzip size (each file is compressed on its own, as in the zip). */
  gzipBytes: number;
  /** Bytes of the entry and the chunks it imports statically: what a cold start reads and compiles. */
  startBytes: number;
  /** Output bytes per package over all `files`. */
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
  return (await probeExports(spec.source)).exports;
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

/** Output path (as the metafile writes it, relative to ROOT) → absolute path. */
const fromMeta = (path: string): string => join(ROOT, path);

/**
 * The entry plus every output it imports statically, transitively: ES module imports are all loaded
 * before the entry runs, so these are read and compiled at cold start; dynamic `import()`s are not.
 */
export function loadedAtStart(metafile: esbuild.Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    const output = metafile.outputs[path];
    if (!output || seen.has(path)) return;
    seen.add(path);
    for (const imported of output.imports)
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen];
}

/** Whether supertokens-node is among the inputs of the files a cold start loads. */
function superTokensAtStart(metafile: esbuild.Metafile, entryMeta: string): boolean {
  return loadedAtStart(metafile, entryMeta).some((output) =>
    Object.keys(metafile.outputs[output]?.inputs ?? {}).some((input) => input.includes("/supertokens-node/")),
  );
}

async function bundle(spec: FunctionSpec, platform: Platform, outDir: string): Promise<BundleResult> {
  const tricks = new Map<string, number>();
  const { entryFile: file, options } = layout(spec, platform, outDir);
  // Names the bundle's own flags (src/session/supertokens-lifecycle.ts) apart from other bundles'.
  const bundleName = `${spec.name}.${platform}`;
  const result = await esbuild.build({
    ...SHARED_OPTIONS,
    ...options,
    define: { ...SHARED_OPTIONS.define, __SESSION_ROLES_BUNDLE__: JSON.stringify(bundleName) },
    absWorkingDir: ROOT,
    write: false,
    plugins: [
      // Lambda's chunks: everything loaded at start in one (Netlify's bundle is one file anyway).
      ...(platform === "lambda" ? [lazyEntriesPlugin(entryPath(spec, platform))] : []),
      builtinsPlugin(),
      entryPlugin(spec, platform),
      tricksPlugin(spec.profile, tricks),
    ],
    // Warnings are printed below, once; errors reach the caller.
    logLevel: "silent",
  });
  // Not `entryPoint !== undefined`: each `import()` target's chunk is an entry point of its own too.
  const entryMeta = Object.keys(result.metafile.outputs).find((path) => fromMeta(path) === file);
  if (!entryMeta) throw new Error(`esbuild wrote no ${file}`);
  const written = {
    outputs: new Map(result.outputFiles.map((output) => [output.path, output.contents])),
    metafile: result.metafile,
  };
  // Lambda: index.mjs awaits the init phase when it starts SuperTokens (supertokens-node loaded at
  // start), and is the whole start otherwise.
  const { outputs, metafile } =
    platform === "lambda"
      ? layoutStart(
          written,
          entryMeta,
          fromMeta,
          ESM_REQUIRE_BANNER,
          superTokensAtStart(result.metafile, entryMeta),
        )
      : written;
  if (result.warnings.length > 0)
    console.warn((await esbuild.formatMessages(result.warnings, { kind: "warning" })).join("\n"));
  await mkdir(dirname(file), { recursive: true });
  const code = new Map<string, Uint8Array>();
  for (const [path, contents] of outputs) {
    await writeFile(path, contents);
    if (path.endsWith(".mjs")) code.set(path, contents);
  }
  await writeFile(`${file.replace(/\.mjs$/, "")}.meta.json`, JSON.stringify(metafile));
  const files = [file, ...[...code.keys()].filter((path) => path !== file).sort()];
  const sizeOf = (path: string) => code.get(path)?.byteLength ?? 0;
  const sum = (paths: string[], size: (path: string) => number) =>
    paths.reduce((total, path) => total + size(path), 0);
  return {
    platform,
    file,
    files,
    bytes: sum(files, sizeOf),
    gzipBytes: sum(files, (path) => gzipSync(code.get(path) ?? new Uint8Array(), { level: 9 }).byteLength),
    startBytes: sum(loadedAtStart(metafile, entryMeta).map(fromMeta), sizeOf),
    packages: packageSizes(metafile),
    metafile,
    tricks,
  };
}

/**
 * A deterministic zip (sorted names, fixed mtime) of the given files, by name: index.mjs, its chunks
 * and their source maps (NODE_OPTIONS=--enable-source-maps in serverless.yml maps stacks to src/;
 * cost in bench/source-maps.md). Metafiles stay in dist.
 */
export function lambdaZip(files: Record<string, Uint8Array>): Uint8Array {
  const mtime = new Date("2000-01-01T00:00:00Z");
  const names = Object.keys(files).sort();
  return zipSync(
    Object.fromEntries(names.map((name) => [name, [files[name] ?? new Uint8Array(), { level: 9, mtime }]])),
  );
}

/** The zip of a Lambda bundle: its JavaScript files and maps, flat, as the runtime loads them from /var/task. */
async function zipOf(bundle: BundleResult): Promise<Uint8Array> {
  const files = bundle.files.flatMap((path) => [path, `${path}.map`]);
  const entries = await Promise.all(
    files.map(async (path) => [basename(path), new Uint8Array(await readFile(path))] as const),
  );
  return lambdaZip(Object.fromEntries(entries));
}

export interface BuildOptions {
  outDir?: string;
  /** Function names to build; all by default. */
  only?: string[];
  /** Called once per function when its artifacts are written. */
  onFunction?: (result: FunctionResult) => void;
}

/**
 * Builds every function: `<out>/lambda/<fn>/index.mjs` and its `chunk-*.mjs` (each + map; one
 * metafile), `<out>/lambda/<fn>.zip` and, unless it is Lambda-only, `<out>/netlify/<fn>.mjs` (+ map,
 * metafile); then the manifest.
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
        bundle(spec, "lambda", outDir),
        lambdaOnly ? undefined : bundle(spec, "netlify", outDir),
      ]);
      const zip = join(outDir, "lambda", `${spec.name}.zip`);
      const zipped = await zipOf(lambda);
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
