/**
 * `npm run bench` (after bench/run.ts), or `tsx bench/edge.ts [--quick]`: the edge gate in real Deno next to
 * a floor measured in the same run: jose's browser build verifying the same token against the same key set
 * (createRemoteJWKSet + jwtVerify + the role check). Both bundled by esbuild the same way; each round spawns a
 * fresh Deno per contender, interleaved. Cold = import + first answer (key fetch included), inside the
 * process; warm = one verify of the same token, mean of a batch; then new tokens, after an unmeasured pass
 * over others (the new-token path as warm in both as the same-token one was). Writes bench/edge-results.md.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { startLocalCore } from "../local-core/index.ts";
import { parseCli } from "../scripts/cli-args.ts";
import { median } from "./median.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, "..");
const WORK = join(BENCH, ".work", "edge");
const DENO = join(ROOT, "node_modules/.bin/deno");
const RESULTS = join(BENCH, "edge-results.md");
/** Netlify Edge Functions' CPU limit per request. */
const NETLIFY_CPU_MS = 50;
const run = promisify(execFile);

const { values: args } = parseCli({
  usage: `usage: tsx bench/edge.ts [--quick] [--rounds <n>]
Measures the edge gate in Deno next to a jose floor; writes bench/edge-results.md. Exit codes: 0 done, 1 failed, 2 usage.`,
  options: { quick: { type: "boolean" }, rounds: { type: "string" } },
});
const ROUNDS = Number(args.rounds ?? (args.quick ? 3 : 21));
const WARM = args.quick ? 200 : 2000;
/** Distinct tokens for the uncached warm figure; as many again warm that path first, unmeasured. */
const DISTINCT = args.quick ? 50 : 1000;

/** The auth function (its Netlify entry) over HTTP against a local core: the key set the edge fetches. */
async function startApi() {
  const core = await startLocalCore({ port: 0 });
  process.env.SUPERTOKENS_CONNECTION_URI = core.url;
  process.env.LOG_LEVEL = "SILENT";
  const auth = (await import("../functions/auth.ts")).default;
  const server = createServer((request, response) => {
    void (async () => {
      const answer = await auth(
        new Request(`http://127.0.0.1${request.url}`, { method: request.method }),
        {} as never,
      );
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const apiDomain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { default: SuperTokens } = await import("supertokens-node");
  const { default: Session } = await import("supertokens-node/recipe/session");
  const { default: UserRoles } = await import("supertokens-node/recipe/userroles");
  await UserRoles.createNewRoleOrAddPermissions("admin", []);
  await UserRoles.addRoleToUser("public", "bench-admin", "admin");
  const newToken = async () =>
    (
      await Session.createNewSessionWithoutRequestResponse(
        "public",
        SuperTokens.convertToRecipeUserId("bench-admin"),
      )
    ).getAccessToken();
  const token = await newToken();
  const tokens: string[] = [];
  for (let i = 0; i < DISTINCT; i += 1) tokens.push(await newToken());
  const warmTokens: string[] = [];
  for (let i = 0; i < DISTINCT; i += 1) warmTokens.push(await newToken());
  return {
    apiDomain,
    token,
    tokens,
    warmTokens,
    close: async () => {
      server.close();
      await core.close();
    },
  };
}

async function bundle(entry: string, outfile: string) {
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
    logLevel: "warning",
  });
  const bytes = await readFile(outfile);
  return { file: outfile, bytes: bytes.length, gzip: gzipSync(bytes).length };
}

interface Run {
  importMs: number;
  coldMs: number;
  coldCpuMs: number;
  warmMs: number;
  distinctMs: number;
  warmCpuMs: number;
}

async function runDeno(file: string, input: Record<string, unknown>): Promise<Run> {
  const inputFile = join(WORK, `input-${input.kind}.json`);
  await writeFile(inputFile, JSON.stringify(input));
  const args = ["run", "--no-prompt", "--allow-net=127.0.0.1", `--allow-read=${ROOT}`];
  const { stdout } = await run(
    DENO,
    [...args, join(BENCH, "edge-child.mjs"), relative(ROOT, file), inputFile],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", DENO_DIR: join(WORK, "deno"), NO_COLOR: "1" },
    },
  );
  return JSON.parse(stdout) as Run;
}

const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (ours: number, floor: number) => `${(ours / floor).toFixed(2)}×`;

async function main() {
  await mkdir(WORK, { recursive: true });
  const api = await startApi();
  try {
    const gate = await bundle("netlify/edge-functions/admin-gate.ts", join(WORK, "gate.mjs"));
    const floor = await bundle("bench/edge-floor-entry.ts", join(WORK, "floor.mjs"));
    const loadBefore = loadavg()[0]!.toFixed(1);
    const input = {
      apiDomain: api.apiDomain,
      token: api.token,
      tokens: api.tokens,
      warmTokens: api.warmTokens,
      warm: WARM,
    };
    // A first run of each, not counted: Deno compiles and caches its own parts once.
    await runDeno(gate.file, { ...input, kind: "gate" });
    await runDeno(floor.file, { ...input, kind: "floor" });
    const runs: Record<"gate" | "floor", Run[]> = { gate: [], floor: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? (["gate", "floor"] as const) : (["floor", "gate"] as const);
      for (const kind of order)
        runs[kind].push(await runDeno(kind === "gate" ? gate.file : floor.file, { ...input, kind }));
    }
    const stat = (kind: "gate" | "floor", field: keyof Run) => median(runs[kind].map((run) => run[field]));
    const cold = { gate: stat("gate", "coldMs"), floor: stat("floor", "coldMs") };
    const warm = { gate: stat("gate", "warmMs"), floor: stat("floor", "warmMs") };
    const distinct = { gate: stat("gate", "distinctMs"), floor: stat("floor", "distinctMs") };
    const denoVersion = (await run(DENO, ["--version"])).stdout.split("\n")[0] ?? "deno";
    const rows = [
      "| | edge gate (ours) | jose floor | ours / floor | goal |",
      "|---|---|---|---|---|",
      `| cold: import + first answer, key fetch included (ms) | ${ms(cold.gate)} | ${ms(cold.floor)} | ${ratio(cold.gate, cold.floor)} | ≤ 1.2× ${cold.gate <= 1.2 * cold.floor ? "✔" : "✘"} |`,
      `| of which import (ms) | ${ms(stat("gate", "importMs"))} | ${ms(stat("floor", "importMs"))} | | |`,
      `| warm verify, the same token again (ms per request) | ${ms(warm.gate)} | ${ms(warm.floor)} | ${ratio(warm.gate, warm.floor)} | ≤ 1.0× ${warm.gate <= warm.floor ? "✔" : "✘"} |`,
      `| warm verify, a token not seen before (ms per request) | ${ms(distinct.gate)} | ${ms(distinct.floor)} | ${ratio(distinct.gate, distinct.floor)} | ≤ 1.0× ${distinct.gate <= distinct.floor ? "✔" : "✘"} |`,
      `| CPU, first request (ms; Netlify's limit ${NETLIFY_CPU_MS}) | ${ms(stat("gate", "coldCpuMs"))} | ${ms(stat("floor", "coldCpuMs"))} | | ${stat("gate", "coldCpuMs") < NETLIFY_CPU_MS ? "✔" : "✘"} |`,
      `| CPU, warm request (ms; Netlify's limit ${NETLIFY_CPU_MS}) | ${ms(stat("gate", "warmCpuMs"))} | ${ms(stat("floor", "warmCpuMs"))} | | ${stat("gate", "warmCpuMs") < NETLIFY_CPU_MS ? "✔" : "✘"} |`,
      `| bundle, minified / gzip (KiB) | ${(gate.bytes / 1024).toFixed(1)} / ${(gate.gzip / 1024).toFixed(1)} | ${(floor.bytes / 1024).toFixed(1)} / ${(floor.gzip / 1024).toFixed(1)} | | |`,
    ];
    const text = [
      "# Edge gate bench",
      "",
      "Written by `npm run bench` (bench/edge.ts); do not edit by hand.",
      "",
      "<!-- edge-bench:start -->",
      ...rows,
      "",
      `${ROUNDS} rounds, medians; each round a fresh Deno process per contender, interleaved. ${denoVersion}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average ${loadBefore} at the start (a loaded machine moves the ratios by ±0.3). Warm: mean of ${WARM} verifies of the same token in one process (ours remembers a token its copy of the key set verified: the RSA check is skipped, expiry and role are still read each time; jose verifies each time), then one pass over ${DISTINCT} other tokens, where no cache helps, after an unmeasured pass over ${DISTINCT} more (jose's same-token loop already ran its new-token path; ours' skipped the RSA check, so without it ours alone would be measured while its verify path and Deno's WebCrypto code warm up). CPU: the process's user + system time (node:process cpuUsage) over the same spans, so the cold figure includes the import. Both contenders are esbuild bundles (minified, ESM) of \`netlify/edge-functions/admin-gate.ts\` and of jose's browser build (\`createRemoteJWKSet\` + \`jwtVerify\`); both fetch \`/auth/jwt/jwks.json\` from the project's auth function on 127.0.0.1 (local core behind it), so the key fetch is in both cold figures.`,
      "<!-- edge-bench:end -->",
      "",
    ].join("\n");
    await writeFile(RESULTS, text);
    console.log(text);
  } finally {
    await api.close();
  }
}

await main();
process.exit(0);
