/**
 * `npm run bench`: cold start, warm verify, payload update and bundle size, ours vs the seed's naive
 * bundle and the jose floor, each comparison measured side by side in this run, on every runtime:
 * the Node running the bench and Lambda's Node 22 and 24 from runtimes/ (scripts/bundler/runtimes.ts).
 * Writes bench/results.md, the charts and docs/performance.md's performance section (between its markers).
 * Everything it builds goes to bench/.work/ (git-ignored). Takes ~4-8 minutes. Options: see USAGE.
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
import { builtinsPlugin } from "../scripts/bundler/builtins.ts";
import { buildFunctions, type FunctionResult, SHARED_OPTIONS } from "../scripts/bundler/bundle.ts";
import { ROOT } from "../scripts/bundler/functions.ts";
import { kb, packageSizes } from "../scripts/bundler/report.ts";
import { benchRuntimes, type NodeRuntime } from "../scripts/bundler/runtimes.ts";
import { tricksPlugin } from "../scripts/bundler/tricks.ts";
import { parseCli } from "../scripts/cli-args.ts";
import { loadConfig } from "../src/config/index.ts";
import { readCatalog, seedRoles } from "../src/roles/catalog.ts";
import { rolesFromCore } from "../src/roles/from-core.ts";
import { rolePayload } from "../src/roles/token-write.ts";
import { authorizerSection } from "./authorizer-section.ts";
import { median } from "./median.ts";
import {
  floorOf,
  METRICS_ON_LABEL,
  measurePhases,
  type PhaseContender,
  type PhaseRow,
  phasesDetail,
  phasesSection,
  type Target,
  targetCell,
  targetsOf,
} from "./phases.ts";
import { writePerformanceSection } from "./readme-section.ts";
import { startChild } from "./spawn.ts";
import { coldStartSvg, phasesSvg } from "./svg.ts";
import { tokenSizeSection } from "./token-size.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const WORK = join(BENCH, ".work");
const API_DOMAIN = "http://localhost:3000";
const WEBSITE_DOMAIN = "http://localhost:3001";

const USAGE = `usage: npm run bench -- [options]
  --rounds <n>         cold-start rounds (default 15; 3 with --quick)
  --phase-rounds <n>   timed rounds of the phase breakdown (default 19; 2 with --quick)
  --profiled <n>       CPU-profiled rounds of the phase breakdown (default 3; 1 with --quick)
  --quick              fewer iterations, for a smoke run
  -h, --help           show this help
Runs on the Node running it and on Lambda's Node 22 and 24 in runtimes/ (installed by npm ci).
Writes bench/results.md, bench/cold-start.svg, bench/cold-phases.svg and docs/performance.md's performance
section. Exit codes: 0 done, 1 failed, 2 usage.`;

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
const PHASE_ROUNDS = wholeNumber("phase-rounds", args["phase-rounds"], QUICK ? 2 : 19, 1);
const PROFILED_ROUNDS = wholeNumber("profiled", args.profiled, QUICK ? 1 : 3, 0);
const PROFILE_INTERVAL_US = 200;

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

const FLOOR = "floor: jose createRemoteJWKSet + jwtVerify";

/**
 * The floor: jose's createRemoteJWKSet + jwtVerify as a Lambda handler, in three forms, since which
 * loads fastest depends on the runtime (on Node 22 and 24 an ES module importing `node:http` pays for
 * an ES-module facade that loads undici): built like our functions (ESM), the same with builtins
 * from `process.getBuiltinModule` (scripts/bundler/builtins.ts), and CommonJS. Each runtime's targets
 * use its fastest.
 */
async function buildFloors(): Promise<Array<{ label: string; path: string; bytes: number }>> {
  const forms = [
    { form: "ES module", dir: "floor-esm", file: "index.mjs", options: {} },
    {
      form: "ES module, builtins by getBuiltinModule",
      dir: "floor-esm-builtins",
      file: "index.mjs",
      options: { plugins: [builtinsPlugin()] },
    },
    {
      form: "CommonJS",
      dir: "floor-cjs",
      file: "index.cjs",
      options: { format: "cjs", banner: {}, mainFields: ["main"] },
    },
  ] satisfies Array<{ form: string; dir: string; file: string; options: esbuild.BuildOptions }>;
  return Promise.all(
    forms.map(async ({ form, dir, file, options }) => {
      const path = join(WORK, dir, file);
      await esbuild.build({
        ...SHARED_OPTIONS,
        ...options,
        entryPoints: [join(BENCH, "floor-entry.ts")],
        absWorkingDir: ROOT,
        outfile: path,
      });
      return { label: `${FLOOR} (${form})`, path, bytes: (await readFile(path)).byteLength };
    }),
  );
}

/** Our verifySession around the no-op handler supertokens-node's adapter gets, built like a function. */
async function buildVerifyOnly(): Promise<string> {
  const path = join(WORK, "verify-only", "index.mjs");
  await esbuild.build({
    ...SHARED_OPTIONS,
    entryPoints: [join(BENCH, "verify-only-entry.ts")],
    absWorkingDir: ROOT,
    outfile: path,
    plugins: [builtinsPlugin(), tricksPlugin("verify", new Map())],
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
async function makeUser(coreUrl: string, who: string, roles: string[]): Promise<BenchSession> {
  const email = `bench-${who}-${Date.now()}@example.com`;
  const signUp = await EmailPassword.signUp("public", email, PASSWORD);
  if (signUp.status !== "OK") throw new Error(`sign-up failed: ${signUp.status}`);
  for (const role of roles) await UserRoles.addRoleToUser("public", signUp.user.id, role);
  // The token as our auth function issues it at sign-in: `role` and `scope` beside UserRoles' claims, so
  // a guard's first request finds it current (a stale token would be rewritten, which is not the cold
  // start being measured).
  const state = await rolesFromCore(
    { ...loadConfig({ SUPERTOKENS_CONNECTION_URI: coreUrl }), rolePermissionsMaxAgeMs: 0 },
    "public",
    signUp.user.id,
  );
  const { role, scope } = rolePayload(state);
  const session = await Session.createNewSessionWithoutRequestResponse("public", signUp.recipeUserId, {
    role,
    scope,
  });
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
    editor: await makeUser(core.url, "editor", ["user", "editor"]),
    admin: await makeUser(core.url, "admin", ["user", "admin"]),
  };
}

interface ColdSample {
  ms: number;
  maxRssKiB: number;
}

async function coldStart(
  runtime: NodeRuntime,
  contender: Contender,
  event: unknown,
  env: NodeJS.ProcessEnv,
): Promise<ColdSample> {
  const child = startChild({ mode: "cold", contender, event }, env, [], runtime.path);
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
  runtime: NodeRuntime,
  core: LocalCore,
  mode: "warm" | "update",
  contender: Contender,
  input: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Promise<LoopResult> {
  const child = startChild({ mode, contender, ...input }, env, [], runtime.path);
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

/** One runtime's cold start table: the bare process, and what each bundle adds to it. */
interface ColdRows {
  bare: { ms: number; mib: number };
  added: Array<{ label: string; ms: number; mib: number; addedMs: number; addedMib: number }>;
  naiveAdded: { addedMs: number; addedMib: number };
}

type WarmRow = { label: string; micros: number; failures: number; requests: number; coreCalls: string[] };

/** What one runtime measured, for the report. */
interface RuntimeResults {
  runtime: NodeRuntime;
  cold: ColdRows;
  warm: WarmRow[];
  update: LoopResult;
  naiveUpdate: LoopResult;
  phases: PhaseRow[];
  targets: Target[];
}

/** The runtime the charts show: Lambda's default (the first of runtimes/), else the bench's own Node. */
const chartRuntime = (runtimes: NodeRuntime[]) =>
  runtimes.find((runtime) => runtime.path !== process.execPath) ?? runtimes[0];

async function main(): Promise<void> {
  const started = performance.now();
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const runtimes = benchRuntimes();
  log(`runtimes: ${runtimes.map((runtime) => `${runtime.label} (${runtime.path})`).join(", ")}`);

  log("building our bundles, the jose floor and the naive seed bundles");
  const ours = await buildFunctions({ outDir: join(WORK, "dist") });
  const byName = new Map<string, FunctionResult>(ours.map((result) => [result.name, result]));
  const naive = await buildNaive();
  const naiveVerify = await buildNaive("seed-verify-entry.ts", "naive-verify");
  const floors = await buildFloors();
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

    // Cold start: every contender on every runtime once per round, interleaved, so drift hits all alike.
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
    const samples = new Map<string, ColdSample[]>();
    const key = (runtime: NodeRuntime, label: string) => `${runtime.label}: ${label}`;
    log(`cold start: ${ROUNDS} rounds × ${coldContenders.length} processes × ${runtimes.length} runtimes`);
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const runtime of runtimes)
        for (const { label, contender, event } of coldContenders) {
          const sample = await coldStart(runtime, contender, event, env);
          // round 0 warms the disk cache
          if (round > 0)
            samples.set(key(runtime, label), [...(samples.get(key(runtime, label)) ?? []), sample]);
        }
    }
    const coldOf = (runtime: NodeRuntime): ColdRows => {
      const cold = coldContenders.map(({ label }) => {
        const list = samples.get(key(runtime, label)) ?? [];
        return { label, ms: median(list.map((s) => s.ms)), mib: median(list.map((s) => s.maxRssKiB)) / 1024 };
      });
      const bare = cold[0] ?? { ms: 0, mib: 0 };
      const added = cold
        .slice(1)
        .map((row) => ({ ...row, addedMs: row.ms - bare.ms, addedMib: row.mib - bare.mib }));
      return { bare, added, naiveAdded: added[0] ?? { addedMs: 1, addedMib: 1 } };
    };

    // Warm verify: each contender in its own process, same token and event; three passes, A B C A B C A B C,
    // each pass over every runtime.
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
      for (const runtime of runtimes)
        for (const { label, contender } of warmContenders) {
          const result = await loop(runtime, core, "warm", contender, warmInput, env);
          warmRuns.set(key(runtime, label), [...(warmRuns.get(key(runtime, label)) ?? []), result]);
        }
    }
    const warmOf = (runtime: NodeRuntime): WarmRow[] =>
      warmContenders.map(({ label }) => {
        const runs = warmRuns.get(key(runtime, label)) ?? [];
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
    const updates = new Map<NodeRuntime, { update: LoopResult; naiveUpdate: LoopResult }>();
    for (const runtime of runtimes) {
      const update = await loop(
        runtime,
        core,
        "update",
        { kind: "bundle", path: bundlePath("update-role") },
        updateInput,
        env,
      );
      const naiveUpdate = await loop(
        runtime,
        core,
        "update",
        { kind: "bundle", path: naive.path },
        updateInput,
        env,
      );
      updates.set(runtime, { update, naiveUpdate });
    }

    // Cold start by phase (issues #16, #28): every Lambda function, the jose floor in each of its forms
    // and both naive bundles, on every runtime, header mode (Authorization: Bearer), times and CPU
    // profiles from inside the processes.
    const bearer = (who: BenchSession) => ({ authorization: `Bearer ${who.accessToken}` });
    const loadBefore = loadavg();
    const getBearer = v2Event("GET", "/session", [], bearer(session));
    const phaseContendersOn = (runtime: NodeRuntime): PhaseContender[] => {
      const lambda = (name: string, request: string, event: unknown): PhaseContender => {
        const fn = byName.get(name);
        if (!fn) throw new Error(`no function ${name} was built`);
        const { file: path, bytes, startBytes } = fn.lambda;
        return { label: name, kind: "ours", runtime, request, path, bytes, startBytes, event };
      };
      return [
        ...floors.map(
          (floor): PhaseContender => ({
            ...floor,
            kind: "floor",
            runtime,
            request: "GET /session",
            event: getBearer,
          }),
        ),
        {
          label: "naive seed, verify only (awsLambda verifySession, no-op handler)",
          kind: "naive",
          runtime,
          request: "GET /session",
          path: naiveVerify.path,
          bytes: naiveVerify.bytes,
          event: getBearer,
        },
        {
          label: "naive seed bundle (verify + merge)",
          kind: "naive",
          runtime,
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
    };
    const phaseRows = await measurePhases(runtimes.flatMap(phaseContendersOn), {
      core,
      env,
      workDir: WORK,
      rounds: PHASE_ROUNDS,
      profiledRounds: PROFILED_ROUNDS,
      profileIntervalUs: PROFILE_INTERVAL_US,
      log,
    });
    const loadAfter = loadavg();
    const rowsOn = (runtime: NodeRuntime) => phaseRows.filter((row) => row.contender.runtime === runtime);

    // The authorizer next to the naive seed bundles, warm: every request, core calls counted.
    log("authorizer, warm");
    const authorizerInput = { warmup: QUICK ? 5 : 20, batches: QUICK ? 3 : 5, batchSize: QUICK ? 10 : 40 };
    const warmAuthorizers = new Map<NodeRuntime, Array<{ label: string; run: LoopResult }>>();
    for (const runtime of runtimes) {
      const warmLoop = (path: string, event: unknown) =>
        loop(runtime, core, "update", { kind: "bundle", path }, { ...authorizerInput, event }, env);
      warmAuthorizers.set(runtime, [
        {
          label: "`authorizer` (HTTP API event, header mode)",
          run: await warmLoop(bundlePath("authorizer"), httpApiAuthorizerEvent(bearer(session))),
        },
        {
          label: "naive seed, verify only (no-op handler)",
          run: await warmLoop(naiveVerify.path, getBearer),
        },
        {
          label: 'naive seed bundle (verify + merge `role: "newRole"`)',
          run: await warmLoop(naive.path, v2Event("POST", "/update-role", [], bearer(session))),
        },
      ]);
    }

    // Token size, without and with the token budget: its own child process and section.
    log("token size");
    const tokenSizes = await tokenSizeSection(core.url);

    const seconds = (performance.now() - started) / 1000;
    log(
      `measured in ${seconds.toFixed(0)} s; writing bench/results.md, cold-start.svg, cold-phases.svg, docs/performance.md`,
    );
    const load = `load average ${loadBefore.map((n) => n.toFixed(2)).join(" / ")} (1 / 5 / 15 min) before, ${loadAfter.map((n) => n.toFixed(2)).join(" / ")} after, on ${cpus().length} cores`;
    const results: RuntimeResults[] = runtimes.map((runtime) => {
      const warm = warmOf(runtime);
      const [oursWarm, stWarm, joseWarm] = warm;
      const phases = rowsOn(runtime);
      const update = updates.get(runtime);
      if (!update) throw new Error(`no payload update measured on ${runtime.label}`);
      return {
        runtime,
        cold: coldOf(runtime),
        warm,
        ...update,
        phases,
        targets: targetsOf(
          phases,
          oursWarm && stWarm && joseWarm
            ? { ours: oursWarm.micros, superTokens: stWarm.micros, floor: joseWarm.micros }
            : undefined,
        ),
      };
    });
    const charted = chartRuntime(runtimes);
    const sections = results.flatMap((result) => {
      const [oursWarm, stWarm, joseWarm] = result.warm;
      const phases = phasesSection({
        rows: result.phases,
        runtime: result.runtime.label,
        rounds: PHASE_ROUNDS,
        profiledRounds: PROFILED_ROUNDS,
        intervalUs: PROFILE_INTERVAL_US,
        load,
        warm:
          oursWarm && stWarm && joseWarm
            ? { ours: oursWarm.micros, superTokens: stWarm.micros, floor: joseWarm.micros }
            : undefined,
        chart: result.runtime === charted ? "cold-phases.svg" : undefined,
      });
      const authorizer = authorizerSection({
        runtime: result.runtime.label,
        fn: byName.get("authorizer"),
        naive,
        naiveVerify,
        rows: result.phases,
        warm: warmAuthorizers.get(result.runtime) ?? [],
        input: authorizerInput,
      });
      return [phases, authorizer];
    });
    const chartedResults = results.find((result) => result.runtime === charted);
    if (chartedResults) {
      await writeFile(
        join(BENCH, "cold-start.svg"),
        coldStartSvg(chartedResults.cold.added, naive.bytes, ours, charted?.label ?? ""),
      );
      await writeFile(join(BENCH, "cold-phases.svg"), phasesSvg(chartedResults.phases, charted?.label ?? ""));
    }
    await writeFile(join(WORK, "phases.txt"), phasesDetail(phaseRows));
    const text =
      report({
        naive,
        ours,
        results,
        charted: charted?.label ?? "",
        seconds,
        updateInput,
        warmInput,
      }) + [...sections, tokenSizes].map((section) => `\n${section}`).join("");
    await writeFile(join(BENCH, "results.md"), text);
    const readmes = await writePerformanceSection({
      results: results.map((result) => ({
        runtime: result.runtime.label,
        targets: result.targets,
        floor: floorOf(result.phases)?.contender.label ?? "",
      })),
      session: byName.get("session"),
      naive,
      load,
    });
    console.log(`\n${text}`);
    log(`performance section written into ${readmes.join(", ") || "no file (no markers found)"}`);
    log("profile detail (heaviest modules per phase): bench/.work/phases.txt");
  } finally {
    await core.close();
  }
}

interface ReportInput {
  naive: Awaited<ReturnType<typeof buildNaive>>;
  ours: FunctionResult[];
  results: RuntimeResults[];
  /** The runtime of cold-start.svg. */
  charted: string;
  seconds: number;
  updateInput: { batches: number; batchSize: number };
  warmInput: { batches: number; batchSize: number };
}

function report(r: ReportInput): string {
  const cpu = cpus();
  const lines: string[] = [];
  const ok = (pass: boolean) => (pass ? "✅" : "❌");
  const runtimes = r.results.map((result) => result.runtime);
  lines.push("# Benchmark results", "");
  lines.push(
    `Machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · local core (local-core) on 127.0.0.1 · whole run ${r.seconds.toFixed(0)} s.`,
    "",
    `Runtimes: ${runtimes.map((runtime) => (runtime.path === process.execPath ? `${runtime.label} (the Node running the bench)` : `${runtime.label} (\`${runtime.path.split("/").slice(-4).join("/")}\`, Lambda's \`nodejs${runtime.major}.x\`)`)).join(", ")}. Every table below says which runtime it was measured on; the runtimes' processes run interleaved, round by round.`,
    "",
    "Reproduce: `npm run bench` (writes this file, `bench/cold-start.svg`, `bench/cold-phases.svg` and the performance section of docs/performance.md). Medians of repeated runs; every comparison below was measured side by side in the same run.",
    "",
  );

  // The targets first: one row per target, one column per runtime (details: each runtime's phase section).
  lines.push(
    "## Targets on every runtime (`session` against the floor; issues #16, #28)",
    "",
    'Each cell: met or not, the ratio, and `session` vs the floor (ms; warm: µs). The floor is the fastest form of jose\'s `createRemoteJWKSet` + `jwtVerify` on that runtime; the warm floor is `jose.jwtVerify` + `createLocalJWKSet`. Where they come from: the sections "Cold start by phase" and "Warm verify" of each runtime.',
    "",
    `| target | ${runtimes.map((runtime) => runtime.label).join(" | ")} |`,
    `|---|${runtimes.map(() => ":-:").join("|")}|`,
  );
  const names = [...new Set(r.results.flatMap((result) => result.targets.map((t) => t.target)))];
  for (const name of names) {
    const cells = r.results.map((result) => {
      const t = result.targets.find((candidate) => candidate.target === name);
      return t ? targetCell(t) : "–";
    });
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  lines.push("");

  lines.push(
    "## Bundle size (minified, one function's Lambda bundle: index.mjs and its chunks; the same on every runtime)",
    "",
  );
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
    `## Cold start (fresh process: import, init, one verified request; median of ${ROUNDS} rounds, on each runtime)`,
    "",
  );
  lines.push(
    `A bare process answers in ${r.results.map((result) => `${result.cold.bare.ms.toFixed(0)} ms with ${result.cold.bare.mib.toFixed(1)} MiB peak RSS on ${result.runtime.label}`).join(", ")}; the table shows what each bundle adds to that, on the same runtime.`,
    "",
  );
  lines.push(
    "| runtime | process | added time (ms) | added peak RSS (MiB) | time vs naive | memory vs naive | target ≤ 40% |",
    "|---|---|---:|---:|---:|---:|:-:|",
  );
  for (const result of r.results) {
    const { added, naiveAdded } = result.cold;
    for (const row of added) {
      const isNaive = row === added[0];
      const timeShare = row.addedMs / naiveAdded.addedMs;
      const memShare = row.addedMib / naiveAdded.addedMib;
      lines.push(
        `| ${result.runtime.label} | ${row.label} | ${row.addedMs.toFixed(0)} | ${row.addedMib.toFixed(1)} | ${isNaive ? "100%" : pct(row.addedMs, naiveAdded.addedMs)} | ${isNaive ? "100%" : pct(row.addedMib, naiveAdded.addedMib)} | ${isNaive ? "" : ok(timeShare <= 0.4 && memShare <= 0.4)} |`,
      );
    }
  }
  lines.push(
    "",
    "The naive bundle and `update-role` both verify the token and regenerate it with a new payload; `update-role` also reads the user's roles and their permissions from the core first (more work, not less). `session` only verifies. Each bundle is loaded as Lambda's runtime loads it: our `.mjs` with `import()`, the naive CommonJS bundle with `require()` (an `import()` would also run Node's cjs-module-lexer over its 1.2 MB, which Lambda does not). Time is spawn → answer as seen by the parent, minus the bare process's; memory is the child's peak RSS (`VmHWM` in /proc/self/status; `resourceUsage().maxRSS` would include the forked parent's), minus the bare process's.",
    "",
    `![cold start on ${r.charted}](cold-start.svg)`,
    "",
  );

  lines.push(
    `## Warm verify (same token, same API Gateway v2 event; µs per request, best of 3 processes × median of ${r.warmInput.batches} batches of ${r.warmInput.batchSize}, on each runtime)`,
    "",
  );
  lines.push(
    "| runtime | verifier | µs / request | vs supertokens-node | vs jose floor | core calls while measuring |",
    "|---|---|---:|---:|---:|---|",
  );
  for (const result of r.results) {
    const [, stWarm, floor] = result.warm;
    for (const row of result.warm) {
      lines.push(
        `| ${result.runtime.label} | ${row.label} | ${row.micros.toFixed(0)} | ${stWarm ? `${(row.micros / stWarm.micros).toFixed(2)}×` : ""} | ${floor ? `${(row.micros / floor.micros).toFixed(2)}×` : ""} | ${row.coreCalls.length} in ${row.requests} requests${row.failures ? ` (${row.failures} failed!)` : ""} |`,
      );
    }
  }
  lines.push("");
  for (const result of r.results) {
    const [oursWarm, stWarm, floor] = result.warm;
    if (oursWarm && stWarm && floor)
      lines.push(
        `Targets on ${result.runtime.label}: no slower than supertokens-node's own Lambda verifySession ${ok(oursWarm.micros <= stWarm.micros)} (${(oursWarm.micros / stWarm.micros).toFixed(2)}×); within 1.5× of the jose floor ${ok(oursWarm.micros <= 1.5 * floor.micros)} (${(oursWarm.micros / floor.micros).toFixed(2)}×); zero core calls for a warm verify ${ok(oursWarm.coreCalls.length === 0)}.`,
        "",
      );
  }
  lines.push(
    "Both adapters run the same no-op handler; ours does the full request path (decode the event, verify, run the handler, encode the result with CORS headers), the floor only checks the signature. The last row of each runtime is the deployed `session` function, whose handler also answers the session as JSON.",
    "",
  );

  const first = r.results[0];
  const requests = first ? first.update.requests : 0;
  const perRequest = (run: LoopResult, re: RegExp) =>
    run.coreCalls.filter((call) => re.test(call)).length / run.requests;
  lines.push(
    `## Payload update (warm process, ${requests} role updates, median of ${r.updateInput.batches} batches, on each runtime)`,
    "",
  );
  lines.push(
    "| runtime | handler | ms / request | core calls / request | regenerates / request | role reads / request | calls seen |",
    "|---|---|---:|---:|---:|---:|---|",
  );
  for (const result of r.results)
    for (const [label, run] of [
      ["`update-role` (ours)", result.update],
      ['naive seed bundle (merge `role: "newRole"`)', result.naiveUpdate],
    ] as const) {
      lines.push(
        `| ${result.runtime.label} | ${label} | ${(run.microsPerRequest / 1000).toFixed(2)} | ${(run.coreCalls.length / run.requests).toFixed(2)} | ${perRequest(run, /session\/regenerate$/).toFixed(2)} | ${perRequest(run, /recipe\/user\/roles$/).toFixed(2)} | ${countBy(run.coreCalls)} |`,
      );
    }
  lines.push("");
  for (const result of r.results) {
    const regenerates = perRequest(result.update, /session\/regenerate$/);
    const roleReads = perRequest(result.update, /recipe\/user\/roles$/);
    lines.push(
      `Targets on ${result.runtime.label}: exactly one regenerate per role update ${ok(regenerates === 1)}; roles fetched once ${ok(roleReads === 1)}.`,
      "",
    );
  }
  lines.push(
    "Besides those, `update-role` reads each held role's permissions (one call per role, in parallel) so `st-perm` is current.",
    "",
  );
  return lines.join("\n");
}

await main();
