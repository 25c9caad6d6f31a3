/**
 * `npm run bench`: cold start, warm verify, payload update and bundle size, ours vs the seed's naive
 * bundle, each comparison measured side by side in this run. Writes bench/results.md and
 * bench/cold-start.svg. Everything it builds goes to bench/.work/ (git-ignored). Takes ~1-2 minutes.
 * Options: see USAGE.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import SuperTokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { type LocalCore, startLocalCore } from "../local-core/index.ts";
import { buildFunctions, type FunctionResult, SHARED_OPTIONS } from "../scripts/bundler/bundle.ts";
import { ROOT } from "../scripts/bundler/functions.ts";
import { kb, packageSizes } from "../scripts/bundler/report.ts";
import { tricksPlugin } from "../scripts/bundler/tricks.ts";
import { parseCli } from "../scripts/cli-args.ts";
import { readCatalog, seedRoles } from "../src/roles/catalog.ts";
import { authorizerSection } from "./authorizer-section.ts";
import {
  METRICS_ON_LABEL,
  measurePhases,
  type PhaseContender,
  phasesDetail,
  phasesSection,
} from "./phases.ts";
import { startChild } from "./spawn.ts";
import { coldStartSvg, phasesSvg } from "./svg.ts";
import { tokenSizeSection } from "./token-size.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const WORK = join(BENCH, ".work");
const API_DOMAIN = "http://localhost:3000";
const WEBSITE_DOMAIN = "http://localhost:3001";

const USAGE = `usage: npm run bench -- [options]
  --rounds <n>         cold-start rounds (default 15; 3 with --quick)
  --phase-rounds <n>   timed rounds of the phase breakdown (default 11; 2 with --quick)
  --profiled <n>       CPU-profiled rounds of the phase breakdown (default 5; 1 with --quick)
  --quick              fewer iterations, for a smoke run
  -h, --help           show this help
Writes bench/results.md, bench/cold-start.svg and bench/cold-phases.svg. Exit codes: 0 done, 1 failed, 2 usage.`;

const { values: args, fail } = parseCli({
  usage: USAGE,
  options: {
    rounds: { type: "string" },
    "phase-rounds": { type: "string" },
    profiled: { type: "string" },
    quick: { type: "boolean" },
  },
});
const QUICK = args.quick ?? false;
const wholeNumber = (name: string, value: string | undefined, fallback: number, min: number): number => {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < min)
    fail(`invalid --${name}: ${JSON.stringify(value)} (expected a whole number ≥ ${min})`);
  return n;
};
const ROUNDS = wholeNumber("rounds", args.rounds, QUICK ? 3 : 15, 1);
const PHASE_ROUNDS = wholeNumber("phase-rounds", args["phase-rounds"], QUICK ? 2 : 11, 1);
const PROFILED_ROUNDS = wholeNumber("profiled", args.profiled, QUICK ? 1 : 5, 0);
const PROFILE_INTERVAL_US = 200;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;
const log = (line: string) => console.log(`[bench] ${line}`);

type Contender =
  | { kind: "bare" }
  | { kind: "bundle"; path: string }
  | { kind: "st-lambda" }
  | { kind: "jose" };

function v2Event(
  method: string,
  path: string,
  cookies: string[],
  headers: Record<string, string> = {},
  body = "",
) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    cookies,
    headers: { host: "localhost:3000", ...headers },
    requestContext: {
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
      stage: "$default",
      requestId: "bench",
      domainName: "localhost",
    },
    body,
    isBase64Encoded: false,
  };
}

/** An HTTP API Lambda authorizer event (payload 2.0, simple responses), as API Gateway sends it. */
function httpApiAuthorizerEvent(headers: Record<string, string>) {
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/$default/GET/py/whoami",
    identitySource: [headers.authorization ?? ""],
    routeKey: "GET /py/whoami",
    rawPath: "/py/whoami",
    rawQueryString: "",
    headers: { host: "localhost:3000", ...headers },
    requestContext: {
      http: {
        method: "GET",
        path: "/py/whoami",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "bench",
      },
      stage: "$default",
      requestId: "bench",
    },
  };
}

/**
 * The seed, bundled the naive way: esbuild's defaults for node (format cjs) + --minify. The source
 * map is external (no comment in the bundle, not counted) so CPU profiles can name its modules.
 */
async function buildNaive(
  entry = "seed-entry.ts",
  dir = "naive",
): Promise<{ path: string; bytes: number; gzipBytes: number; top: string }> {
  const path = join(WORK, dir, "index.cjs");
  const result = await esbuild.build({
    entryPoints: [join(BENCH, entry)],
    bundle: true,
    platform: "node",
    minify: true,
    metafile: true,
    sourcemap: "external",
    outfile: path,
    logLevel: "warning",
  });
  const code = await readFile(path);
  const top = packageSizes(result.metafile)
    .slice(0, 3)
    .map((pkg) => `${pkg.name} ${kb(pkg.bytes)}`)
    .join(", ");
  return { path, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, top };
}

/** The floor: jose's createRemoteJWKSet + jwtVerify as a Lambda handler, built like our functions. */
async function buildFloor(): Promise<{ path: string; bytes: number }> {
  const path = join(WORK, "floor", "index.mjs");
  await esbuild.build({
    ...SHARED_OPTIONS,
    entryPoints: [join(BENCH, "floor-entry.ts")],
    absWorkingDir: ROOT,
    outfile: path,
  });
  return { path, bytes: (await readFile(path)).byteLength };
}

/** Our verifySession around the no-op handler supertokens-node's adapter gets, built like a function. */
async function buildVerifyOnly(): Promise<string> {
  const path = join(WORK, "verify-only", "index.mjs");
  await esbuild.build({
    ...SHARED_OPTIONS,
    entryPoints: [join(BENCH, "verify-only-entry.ts")],
    absWorkingDir: ROOT,
    outfile: path,
    plugins: [tricksPlugin("verify", new Map())],
  });
  return path;
}

interface BenchSession {
  accessToken: string;
  antiCsrf: string;
  userId: string;
  email: string;
}

const PASSWORD = "correct-horse-42";

/** A user with `roles` and a session for them, made with supertokens-node in this process. */
async function makeUser(who: string, roles: string[]): Promise<BenchSession> {
  const email = `bench-${who}-${Date.now()}@example.com`;
  const signUp = await EmailPassword.signUp("public", email, PASSWORD);
  if (signUp.status !== "OK") throw new Error(`sign-up failed: ${signUp.status}`);
  for (const role of roles) await UserRoles.addRoleToUser("public", signUp.user.id, role);
  const session = await Session.createNewSessionWithoutRequestResponse("public", signUp.recipeUserId, {});
  const tokens = session.getAllSessionTokensDangerously();
  return {
    accessToken: tokens.accessToken,
    antiCsrf: tokens.antiCsrfToken ?? "",
    userId: signUp.user.id,
    email,
  };
}

/** The bench's users: an editor (most requests) and an admin (the user-roles function). */
async function makeSessions(core: LocalCore): Promise<{ editor: BenchSession; admin: BenchSession }> {
  SuperTokens.init({
    framework: "custom",
    supertokens: { connectionURI: core.url },
    appInfo: { appName: "bench", apiDomain: API_DOMAIN, websiteDomain: WEBSITE_DOMAIN },
    recipeList: [EmailPassword.init(), Session.init({ antiCsrf: "VIA_TOKEN" }), UserRoles.init()],
  });
  await seedRoles(await readCatalog());
  return {
    editor: await makeUser("editor", ["user", "editor"]),
    admin: await makeUser("admin", ["user", "admin"]),
  };
}

interface ColdSample {
  ms: number;
  maxRssKiB: number;
}

async function coldStart(contender: Contender, event: unknown, env: NodeJS.ProcessEnv): Promise<ColdSample> {
  const child = startChild({ mode: "cold", contender, event }, env);
  const answer = await child.next();
  await child.done;
  if (contender.kind !== "bare" && answer.statusCode !== 200)
    throw new Error(`cold start answered ${answer.statusCode}`);
  return {
    ms: Number((answer.receivedAt as bigint) - child.spawnedAt) / 1e6,
    maxRssKiB: Number(answer.maxRSS),
  };
}

interface LoopResult {
  microsPerRequest: number;
  failures: number;
  requests: number;
  coreCalls: string[];
}

async function loop(
  core: LocalCore,
  mode: "warm" | "update",
  contender: Contender,
  input: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<LoopResult> {
  const child = startChild({ mode, contender, ...input }, env);
  await child.next();
  core.clearRequests();
  child.send("GO");
  const result = await child.next();
  const coreCalls = core.requests.map((request) => `${request.method} ${request.path}`);
  await child.done;
  return {
    microsPerRequest: Number(result.microsPerRequest),
    failures: Number(result.failures),
    requests: Number(result.requests),
    coreCalls,
  };
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count}× \`${value}\``).join(", ") || "none";
}

async function main(): Promise<void> {
  const started = performance.now();
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });

  log("building our bundles, the jose floor and the naive seed bundles");
  const ours = await buildFunctions({ outDir: join(WORK, "dist") });
  const byName = new Map<string, FunctionResult>(ours.map((result) => [result.name, result]));
  const naive = await buildNaive();
  const naiveVerify = await buildNaive("seed-verify-entry.ts", "naive-verify");
  const floorBundle = await buildFloor();
  const verifyOnly = await buildVerifyOnly();
  const bundlePath = (name: string) => byName.get(name)?.lambda.file ?? "";

  const core = await startLocalCore({ port: 0 });
  try {
    const { editor: session, admin } = await makeSessions(core);
    // Every child runs as on Lambda (the module loads in the init phase, so SuperTokens inits at
    // import: bench/COLD-START.md cut 3), with metrics made but not written (no EMF lines on stdout).
    const env = {
      SUPERTOKENS_CONNECTION_URI: core.url,
      API_DOMAIN,
      WEBSITE_DOMAIN,
      AWS_LAMBDA_FUNCTION_NAME: "session-roles-bench",
      POWERTOOLS_METRICS_DISABLED: "true",
    };
    const cookies = [`sAccessToken=${session.accessToken}`];
    const getSession = v2Event("GET", "/session", cookies);
    const postUpdate = v2Event("POST", "/update-role", cookies, { "anti-csrf": session.antiCsrf });

    // Cold start: every contender once per round, interleaved, so drift hits all alike.
    const coldContenders: Array<{ label: string; contender: Contender; event: unknown }> = [
      { label: "bare node", contender: { kind: "bare" }, event: null },
      {
        label: "naive seed bundle (verify + merge)",
        contender: { kind: "bundle", path: naive.path },
        event: postUpdate,
      },
      {
        label: "update-role (ours)",
        contender: { kind: "bundle", path: bundlePath("update-role") },
        event: postUpdate,
      },
      {
        label: "session (ours)",
        contender: { kind: "bundle", path: bundlePath("session") },
        event: getSession,
      },
    ];
    const samples = new Map<string, ColdSample[]>(coldContenders.map(({ label }) => [label, []]));
    log(`cold start: ${ROUNDS} rounds × ${coldContenders.length} processes`);
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const { label, contender, event } of coldContenders) {
        const sample = await coldStart(contender, event, env);
        if (round > 0) samples.get(label)?.push(sample); // round 0 warms the disk cache
      }
    }
    const cold = coldContenders.map(({ label }) => {
      const list = samples.get(label) ?? [];
      return { label, ms: median(list.map((s) => s.ms)), mib: median(list.map((s) => s.maxRssKiB)) / 1024 };
    });
    const bare = cold[0] ?? { ms: 0, mib: 0 };
    const added = cold
      .slice(1)
      .map((row) => ({ ...row, addedMs: row.ms - bare.ms, addedMib: row.mib - bare.mib }));
    const naiveAdded = added[0] ?? { addedMs: 1, addedMib: 1 };

    // Warm verify: each contender in its own process, same token and event; three passes, A B C A B C A B C.
    const warmInput = {
      event: getSession,
      token: session.accessToken,
      warmup: QUICK ? 200 : 1000,
      batches: QUICK ? 5 : 15,
      batchSize: QUICK ? 200 : 500,
    };
    const warmContenders: Array<{ label: string; contender: Contender }> = [
      { label: "ours: `verifySession`, same no-op handler", contender: { kind: "bundle", path: verifyOnly } },
      { label: "supertokens-node `framework/awsLambda` verifySession", contender: { kind: "st-lambda" } },
      { label: "floor: `jose.jwtVerify` + `createLocalJWKSet`", contender: { kind: "jose" } },
      {
        label: "ours: the `session` function (answers the session as JSON)",
        contender: { kind: "bundle", path: bundlePath("session") },
      },
    ];
    const warmRuns = new Map<string, LoopResult[]>();
    log("warm verify");
    for (let pass = 0; pass < 3; pass++) {
      for (const { label, contender } of warmContenders) {
        const result = await loop(core, "warm", contender, warmInput, env);
        warmRuns.set(label, [...(warmRuns.get(label) ?? []), result]);
      }
    }
    const warm = warmContenders.map(({ label }) => {
      const runs = warmRuns.get(label) ?? [];
      return {
        label,
        micros: Math.min(...runs.map((run) => run.microsPerRequest)),
        failures: runs.reduce((sum, run) => sum + run.failures, 0),
        requests: runs.reduce((sum, run) => sum + run.requests, 0),
        coreCalls: runs.flatMap((run) => run.coreCalls),
      };
    });

    // Payload update: the role update, warm, with every core call it makes counted.
    log("payload update");
    const updateInput = {
      event: postUpdate,
      warmup: QUICK ? 5 : 20,
      batches: QUICK ? 3 : 5,
      batchSize: QUICK ? 10 : 40,
    };
    const update = await loop(
      core,
      "update",
      { kind: "bundle", path: bundlePath("update-role") },
      updateInput,
      env,
    );
    const naiveUpdate = await loop(core, "update", { kind: "bundle", path: naive.path }, updateInput, env);

    // Cold start by phase (issue #16): every Lambda function, the jose floor and both naive bundles,
    // header mode (Authorization: Bearer), times and CPU profiles from inside the processes.
    const bearer = (who: BenchSession) => ({ authorization: `Bearer ${who.accessToken}` });
    const loadBefore = loadavg();
    const lambda = (name: string, request: string, event: unknown): PhaseContender => {
      const fn = byName.get(name);
      if (!fn) throw new Error(`no function ${name} was built`);
      const { file: path, bytes, startBytes } = fn.lambda;
      return { label: name, kind: "ours", request, path, bytes, startBytes, event };
    };
    const getBearer = v2Event("GET", "/session", [], bearer(session));
    const phaseContenders: PhaseContender[] = [
      {
        label: "floor: jose createRemoteJWKSet + jwtVerify",
        kind: "floor",
        request: "GET /session",
        path: floorBundle.path,
        bytes: floorBundle.bytes,
        event: getBearer,
      },
      {
        label: "naive seed, verify only (awsLambda verifySession, no-op handler)",
        kind: "naive",
        request: "GET /session",
        path: naiveVerify.path,
        bytes: naiveVerify.bytes,
        event: getBearer,
      },
      {
        label: "naive seed bundle (verify + merge)",
        kind: "naive",
        request: "POST /update-role",
        path: naive.path,
        bytes: naive.bytes,
        event: v2Event("POST", "/update-role", [], bearer(session)),
      },
      lambda("session", "GET /session", getBearer),
      {
        ...lambda("session", "GET /session", getBearer),
        label: METRICS_ON_LABEL,
        env: { POWERTOOLS_METRICS_DISABLED: "false" },
      },
      lambda("update-role", "POST /update-role", v2Event("POST", "/update-role", [], bearer(session))),
      lambda("editor-only", "GET /editor-only", v2Event("GET", "/editor-only", [], bearer(session))),
      lambda(
        "user-roles",
        "GET /users/{id}/roles (admin)",
        v2Event("GET", `/users/${admin.userId}/roles`, [], bearer(admin)),
      ),
      lambda(
        "auth",
        "POST /auth/signin (header mode)",
        v2Event(
          "POST",
          "/auth/signin",
          [],
          { "content-type": "application/json", "st-auth-mode": "header", rid: "emailpassword" },
          JSON.stringify({
            formFields: [
              { id: "email", value: session.email },
              { id: "password", value: PASSWORD },
            ],
          }),
        ),
      ),
      lambda("authorizer", "HTTP API authorizer (2.0, simple)", httpApiAuthorizerEvent(bearer(session))),
    ];
    const phaseRows = await measurePhases(phaseContenders, {
      core,
      env,
      workDir: WORK,
      rounds: PHASE_ROUNDS,
      profiledRounds: PROFILED_ROUNDS,
      profileIntervalUs: PROFILE_INTERVAL_US,
      log,
    });
    const loadAfter = loadavg();

    // The authorizer next to the naive seed bundles, warm: every request, core calls counted.
    log("authorizer, warm");
    const authorizerInput = { warmup: QUICK ? 5 : 20, batches: QUICK ? 3 : 5, batchSize: QUICK ? 10 : 40 };
    const warmAuthorizer = await loop(
      core,
      "update",
      { kind: "bundle", path: bundlePath("authorizer") },
      { ...authorizerInput, event: httpApiAuthorizerEvent(bearer(session)) },
      env,
    );
    const warmNaiveVerify = await loop(
      core,
      "update",
      { kind: "bundle", path: naiveVerify.path },
      { ...authorizerInput, event: getBearer },
      env,
    );
    const warmNaive = await loop(
      core,
      "update",
      { kind: "bundle", path: naive.path },
      { ...authorizerInput, event: v2Event("POST", "/update-role", [], bearer(session)) },
      env,
    );

    // Token size, without and with the token budget: its own child process and section.
    log("token size");
    const tokenSizes = await tokenSizeSection(core.url);

    const seconds = (performance.now() - started) / 1000;
    log(`measured in ${seconds.toFixed(0)} s; writing bench/results.md, cold-start.svg, cold-phases.svg`);
    const load = `load average ${loadBefore.map((n) => n.toFixed(2)).join(" / ")} (1 / 5 / 15 min) before, ${loadAfter.map((n) => n.toFixed(2)).join(" / ")} after, on ${cpus().length} cores`;
    const [oursWarm, stWarm, joseWarm] = warm;
    const phases = phasesSection({
      rows: phaseRows,
      rounds: PHASE_ROUNDS,
      profiledRounds: PROFILED_ROUNDS,
      intervalUs: PROFILE_INTERVAL_US,
      load,
      warm:
        oursWarm && stWarm && joseWarm
          ? { ours: oursWarm.micros, superTokens: stWarm.micros, floor: joseWarm.micros }
          : undefined,
    });
    const authorizer = authorizerSection({
      fn: byName.get("authorizer"),
      naive,
      naiveVerify,
      rows: phaseRows,
      warm: [
        { label: "`authorizer` (HTTP API event, header mode)", run: warmAuthorizer },
        { label: "naive seed, verify only (no-op handler)", run: warmNaiveVerify },
        { label: 'naive seed bundle (verify + merge `role: "newRole"`)', run: warmNaive },
      ],
      input: authorizerInput,
    });
    await writeFile(join(BENCH, "cold-start.svg"), coldStartSvg(added, naive.bytes, ours));
    await writeFile(join(BENCH, "cold-phases.svg"), phasesSvg(phaseRows));
    await writeFile(join(WORK, "phases.txt"), phasesDetail(phaseRows));
    const text =
      report({
        naive,
        ours,
        added,
        naiveAdded,
        bare,
        warm,
        update,
        naiveUpdate,
        seconds,
        updateInput,
        warmInput,
      }) + [phases, authorizer, tokenSizes].map((section) => `\n${section}`).join("");
    await writeFile(join(BENCH, "results.md"), text);
    console.log(`\n${text}`);
    log("profile detail (heaviest modules per phase): bench/.work/phases.txt");
  } finally {
    await core.close();
  }
}

interface ReportInput {
  naive: Awaited<ReturnType<typeof buildNaive>>;
  ours: FunctionResult[];
  added: Array<{ label: string; ms: number; mib: number; addedMs: number; addedMib: number }>;
  naiveAdded: { addedMs: number; addedMib: number };
  bare: { ms: number; mib: number };
  warm: Array<{ label: string; micros: number; failures: number; requests: number; coreCalls: string[] }>;
  update: LoopResult;
  naiveUpdate: LoopResult;
  seconds: number;
  updateInput: { batches: number; batchSize: number };
  warmInput: { batches: number; batchSize: number };
}

function report(r: ReportInput): string {
  const cpu = cpus();
  const lines: string[] = [];
  const ok = (pass: boolean) => (pass ? "✅" : "❌");
  lines.push("# Benchmark results", "");
  lines.push(
    `Machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · Node ${process.version} · ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · local core (local-core) on 127.0.0.1 · whole run ${r.seconds.toFixed(0)} s.`,
    "",
    "Reproduce: `npm run bench` (writes this file, `bench/cold-start.svg` and `bench/cold-phases.svg`). Medians of repeated runs; every comparison below was measured side by side in the same run.",
    "",
  );

  lines.push("## Bundle size (minified, one function's Lambda bundle: index.mjs and its chunks)", "");
  lines.push(
    "Loaded at start: index.mjs and the chunks it imports statically; code behind `await import(...)` is in chunks read on first use.",
    "",
  );
  lines.push(
    "| bundle | minified KiB | gzip KiB | loaded at start KiB | vs naive (min) | target ≤ 25% | largest packages (KiB) |",
    "|---|---:|---:|---:|---:|:-:|---|",
  );
  lines.push(
    `| naive seed bundle | ${kb(r.naive.bytes)} | ${kb(r.naive.gzipBytes)} | ${kb(r.naive.bytes)} | 100% | | ${r.naive.top} |`,
  );
  for (const fn of [...r.ours].sort((a, b) => a.name.localeCompare(b.name))) {
    const share = fn.lambda.bytes / r.naive.bytes;
    const target = fn.name === "update-role" || fn.name === "session" ? ok(share <= 0.25) : "";
    const top = fn.lambda.packages
      .slice(0, 3)
      .map((pkg) => `${pkg.name} ${kb(pkg.bytes)}`)
      .join(", ");
    lines.push(
      `| \`${fn.name}\` | ${kb(fn.lambda.bytes)} | ${kb(fn.lambda.gzipBytes)} | ${kb(fn.lambda.startBytes)} | ${pct(fn.lambda.bytes, r.naive.bytes)} | ${target} | ${top} |`,
    );
  }
  lines.push("");

  lines.push(
    `## Cold start (fresh \`node\` process: import, init, one verified request; median of ${ROUNDS} rounds)`,
    "",
  );
  lines.push(
    `A bare \`node\` process answers in ${r.bare.ms.toFixed(0)} ms with ${r.bare.mib.toFixed(1)} MiB peak RSS; the table shows what each bundle adds to that.`,
    "",
  );
  lines.push(
    "| process | added time (ms) | added peak RSS (MiB) | time vs naive | memory vs naive | target ≤ 40% |",
    "|---|---:|---:|---:|---:|:-:|",
  );
  for (const row of r.added) {
    const isNaive = row === r.added[0];
    const timeShare = row.addedMs / r.naiveAdded.addedMs;
    const memShare = row.addedMib / r.naiveAdded.addedMib;
    lines.push(
      `| ${row.label} | ${row.addedMs.toFixed(0)} | ${row.addedMib.toFixed(1)} | ${isNaive ? "100%" : pct(row.addedMs, r.naiveAdded.addedMs)} | ${isNaive ? "100%" : pct(row.addedMib, r.naiveAdded.addedMib)} | ${isNaive ? "" : ok(timeShare <= 0.4 && memShare <= 0.4)} |`,
    );
  }
  lines.push(
    "",
    "The naive bundle and `update-role` both verify the token and regenerate it with a new payload; `update-role` also reads the user's roles and their permissions from the core first (more work, not less). `session` only verifies. Each bundle is loaded as Lambda's runtime loads it: our `.mjs` with `import()`, the naive CommonJS bundle with `require()` (an `import()` would also run Node's cjs-module-lexer over its 1.2 MB, which Lambda does not). Time is spawn → answer as seen by the parent, minus the bare process's; memory is the child's peak RSS (`VmHWM` in /proc/self/status; `resourceUsage().maxRSS` would include the forked parent's), minus the bare process's.",
    "",
    "![cold start](cold-start.svg)",
    "",
  );

  const [oursWarm, stWarm, floor] = r.warm;
  lines.push(
    `## Warm verify (same token, same API Gateway v2 event; µs per request, best of 3 processes × median of ${r.warmInput.batches} batches of ${r.warmInput.batchSize})`,
    "",
  );
  lines.push(
    "| verifier | µs / request | vs supertokens-node | vs jose floor | core calls while measuring |",
    "|---|---:|---:|---:|---|",
  );
  for (const row of r.warm) {
    lines.push(
      `| ${row.label} | ${row.micros.toFixed(0)} | ${stWarm ? `${(row.micros / stWarm.micros).toFixed(2)}×` : ""} | ${floor ? `${(row.micros / floor.micros).toFixed(2)}×` : ""} | ${row.coreCalls.length} in ${row.requests} requests${row.failures ? ` (${row.failures} failed!)` : ""} |`,
    );
  }
  if (oursWarm && stWarm && floor) {
    lines.push(
      "",
      `Targets: no slower than supertokens-node's own Lambda verifySession ${ok(oursWarm.micros <= stWarm.micros)} (${(oursWarm.micros / stWarm.micros).toFixed(2)}×); within 3× of the jose floor ${ok(oursWarm.micros <= 3 * floor.micros)} (${(oursWarm.micros / floor.micros).toFixed(2)}×); zero core calls for a warm verify ${ok(oursWarm.coreCalls.length === 0)}.`,
      "Both adapters run the same no-op handler; ours does the full request path (decode the event, verify, run the handler, encode the result with CORS headers), the floor only checks the signature. The last row is the deployed `session` function, whose handler also answers the session as JSON.",
    );
  }
  lines.push("");

  const requests = r.update.requests;
  const perRequest = (calls: string[], re: RegExp) => calls.filter((call) => re.test(call)).length / requests;
  lines.push(
    `## Payload update (warm process, ${requests} role updates, median of ${r.updateInput.batches} batches)`,
    "",
  );
  lines.push(
    "| handler | ms / request | core calls / request | regenerates / request | role reads / request | calls seen |",
    "|---|---:|---:|---:|---:|---|",
  );
  for (const [label, run] of [
    ["`update-role` (ours)", r.update],
    ['naive seed bundle (merge `role: "newRole"`)', r.naiveUpdate],
  ] as const) {
    lines.push(
      `| ${label} | ${(run.microsPerRequest / 1000).toFixed(2)} | ${(run.coreCalls.length / run.requests).toFixed(2)} | ${perRequest(run.coreCalls, /session\/regenerate$/).toFixed(2)} | ${perRequest(run.coreCalls, /recipe\/user\/roles$/).toFixed(2)} | ${countBy(run.coreCalls)} |`,
    );
  }
  const regenerates = perRequest(r.update.coreCalls, /session\/regenerate$/);
  const roleReads = perRequest(r.update.coreCalls, /recipe\/user\/roles$/);
  lines.push(
    "",
    `Targets: exactly one regenerate per role update ${ok(regenerates === 1)}; roles fetched once ${ok(roleReads === 1)}. Besides those, \`update-role\` reads each held role's permissions (one call per role, in parallel) so \`st-perm\` is current.`,
    "",
  );
  return lines.join("\n");
}

await main();
