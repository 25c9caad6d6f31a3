/**
 * What shipping source maps costs (serverless.yml: NODE_OPTIONS=--enable-source-maps, maps in the zips):
 * per function, the zip with and without its maps, and a cold start (process spawn to the first
 * answer of a request through the unzipped Lambda bundle) with and without the flag, measured side
 * by side in this run. Writes bench/source-maps.md. Runs after `npm run bench` (package.json
 * `postbench`), or alone: `npx tsx bench/source-maps.ts [--rounds 9]`.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFunctions, lambdaZip } from "../scripts/bundler/bundle.ts";
import { kb } from "../scripts/bundler/report.ts";
import { parseCli } from "../scripts/cli-args.ts";
import { median } from "./median.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const WORK = join(BENCH, ".work", "source-maps");
const RESULTS = join(BENCH, "source-maps.md");

const { values } = parseCli({
  usage: `usage: npx tsx bench/source-maps.ts [--rounds <n>]
  --rounds <n>   cold starts per function and setting (default 15)
Writes bench/source-maps.md. Exit codes: 0 done, 1 failed, 2 usage.`,
  options: { rounds: { type: "string" } },
});
const ROUNDS = Math.max(1, Number(values.rounds ?? 15) || 15);
/** Lambda's own Node (installed by postinstall into runtimes/), else this one. */
const LAMBDA_NODE = join(BENCH, "..", "runtimes", "node_modules", "node22", "bin", "node");
const NODE = existsSync(LAMBDA_NODE) ? LAMBDA_NODE : process.execPath;

/**
 * One cold start in a fresh process: import the bundle and answer one request (no session: a 401,
 * or the authorizer's "Unauthorized"), from spawn to the answer, in ms. The core is unreachable, so
 * no network time is counted.
 */
const CHILD = `
const { handler } = await import(process.argv[1]);
const event = { version: "2.0", routeKey: "GET /x", rawPath: "/x", rawQueryString: "", headers: {}, type: "REQUEST",
  requestContext: { http: { method: "GET", path: "/x" }, stage: "$default", routeKey: "GET /x" } };
try { await handler(event, {}); } catch {}
const cpu = process.cpuUsage();
process.stdout.write("done " + (cpu.user + cpu.system) / 1000);
process.exit(0);`;

/** Wall time (spawn to answer) and the child's own CPU time (steadier on a busy machine), in ms. */
async function coldStart(entry: string, flags: string[]): Promise<{ wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(NODE, [...flags, "--input-type=module", "-e", CHILD, entry], {
    env: {
      PATH: process.env.PATH,
      SUPERTOKENS_CONNECTION_URI: "http://127.0.0.1:9",
      CORE_TIMEOUT_MS: "200",
      POWERTOOLS_METRICS_DISABLED: "true",
      LOG_LEVEL: "SILENT",
    },
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  await once(child, "exit");
  const cpu = /done (\d+(\.\d+)?)/.exec(out)?.[1];
  if (!cpu) throw new Error(`${entry} did not answer`);
  return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: Number(cpu) };
}

await rm(WORK, { recursive: true, force: true });
await mkdir(WORK, { recursive: true });
const results = await buildFunctions({ outDir: WORK });
const rows: string[][] = [];
const totals = { plain: 0, mapped: 0, plainCpu: 0, mappedCpu: 0, zipWithout: 0, zipWith: 0 };
for (const result of results.sort((a, b) => a.name.localeCompare(b.name))) {
  const files = result.lambda.files;
  const code = Object.fromEntries(
    await Promise.all(
      files.map(async (file) => [basename(file), new Uint8Array(await readFile(file))] as const),
    ),
  );
  const zipWithout = lambdaZip(code).byteLength;
  const zipWith = result.lambda.zipBytes;
  const entry = result.lambda.file;
  const plain: { wall: number; cpu: number }[] = [];
  const mapped: { wall: number; cpu: number }[] = [];
  // Alternated, so both settings see the same machine load.
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await coldStart(entry, []));
    mapped.push(await coldStart(entry, ["--enable-source-maps"]));
  }
  const [p, m] = [median(plain.map((run) => run.wall)), median(mapped.map((run) => run.wall))];
  const [pc, mc] = [median(plain.map((run) => run.cpu)), median(mapped.map((run) => run.cpu))];
  totals.plain += p;
  totals.mapped += m;
  totals.plainCpu += pc;
  totals.mappedCpu += mc;
  totals.zipWithout += zipWithout;
  totals.zipWith += zipWith;
  rows.push([
    result.name,
    kb(zipWithout),
    kb(zipWith),
    `+${(((zipWith - zipWithout) / zipWithout) * 100).toFixed(0)}%`,
    p.toFixed(1),
    m.toFixed(1),
    `${m - p >= 0 ? "+" : ""}${(m - p).toFixed(1)}`,
    pc.toFixed(1),
    mc.toFixed(1),
    `${mc - pc >= 0 ? "+" : ""}${(mc - pc).toFixed(1)}`,
  ]);
}
const version = spawn(NODE, ["--version"]);
let nodeVersion = "";
version.stdout.on("data", (chunk) => {
  nodeVersion += chunk;
});
await once(version, "exit");
const markdown = (header: string[], body: string[][]) =>
  [header, header.map(() => "---"), ...body].map((row) => `| ${row.join(" | ")} |`).join("\n");
const report = `# Source maps: what they cost

Generated by \`bench/source-maps.ts\` (${ROUNDS} cold starts per function and setting, alternated; median;
Node ${nodeVersion.trim()}, ${new Date().toISOString().slice(0, 10)}). A cold start here is a fresh process from
spawn to the answer of one request through the unzipped Lambda bundle (the core unreachable, so no network
time). Lambda's own init adds to both columns alike. On a shared machine a few ms either way is noise.

${markdown(["function", "zip KB, no maps", "zip KB, with maps", "zip", "cold start ms", "with --enable-source-maps", "ms", "CPU ms", "CPU ms with the flag", "CPU ms"], rows)}

All functions: zips ${kb(totals.zipWithout)} → ${kb(totals.zipWith)} KB, cold starts ${totals.plain.toFixed(0)} → ${totals.mapped.toFixed(0)} ms
summed (CPU time ${totals.plainCpu.toFixed(0)} → ${totals.mappedCpu.toFixed(0)} ms: the child's own user + system time, which a busy
machine disturbs less than the wall clock).
Without the flag the maps in the zip cost nothing at run time (Node never reads them); remove
\`NODE_OPTIONS\` from serverless.yml to save the cold-start part and keep the maps for reading a stack by hand.
`;
await writeFile(RESULTS, report);
console.log(report);
await rm(WORK, { recursive: true, force: true });
