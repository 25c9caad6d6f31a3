/**
 * Where a cold start goes, phase by phase, for every Lambda function, the jose floor and the naive
 * seed bundles (issue #16). Each contender runs in fresh processes (bench/child.mjs, mode `phases`):
 * import the bundle, answer one request, wait, answer a second one. Two kinds of rounds, interleaved
 * across contenders so drift hits all alike:
 *
 * - timed rounds: `performance.now()`-style marks (hrtime) inside the child around the import and each
 *   answer, every HTTP request the child makes (diagnostics_channel: node:http and undici), and the
 *   core calls of the first request from the local core's own log (`core.requests`, read while the
 *   child waits between its two answers). The medians of these are the table's walls.
 * - profiled rounds (`node --cpu-prof`): every sample is mapped through the bundle's source map
 *   (bench/profile.ts) and put in one phase: SuperTokens init (its `init` on the stack), undici
 *   (loaded lazily by the first `Headers`/`Response`/`fetch`), the JWKS fetch (jose's remote key set
 *   on the stack, or the event loop while that request is in flight), core calls (our core client or
 *   supertokens-node's querier on the stack, or the event loop while a core request is in flight),
 *   verification (supertokens-node's session verification or jose) and the rest (our pipeline,
 *   decoding, the handler, encoding, logging). Each phase's share of the profiled window, times the
 *   timed rounds' median wall, is the phase's ms: the profiler's own overhead cancels out.
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LocalCore } from "../local-core/index.ts";
import { kb } from "../scripts/bundler/report.ts";
import type { NodeRuntime } from "../scripts/bundler/runtimes.ts";
import { median } from "./median.ts";
import { Attributor, leaf, type Origin, readProfile, type Sample, samplesOf } from "./profile.ts";
import { startChild } from "./spawn.ts";

export interface PhaseContender {
  label: string;
  kind: "ours" | "floor" | "naive";
  /** The Node that runs this contender's processes. */
  runtime: NodeRuntime;
  /** What the request is, for the table. */
  request: string;
  path: string;
  /** Bytes of every file the bundle ships (an ESM bundle split into chunks ships more than one). */
  bytes: number;
  /** Bytes its import reads: the entry and the chunks it imports statically (absent: all of `bytes`). */
  startBytes?: number;
  event: unknown;
  /** Environment for this contender's processes, over the run's (e.g. metrics on). */
  env?: NodeJS.ProcessEnv;
}

/** One contender on one runtime: the key of its runs. */
const keyOf = (contender: PhaseContender) => `${contender.runtime.label}: ${contender.label}`;

/** The label of `session` run with metrics on (bench/run.ts), told apart in the targets. */
export const METRICS_ON_LABEL = "session, metrics on (EMF written)";

export interface NetworkEntry {
  method: string;
  path: string;
  start: number;
  headers?: number;
  end?: number;
  via?: string;
}

interface Marks {
  sinceProcessStart: number;
  importStart: number;
  importEnd: number;
  firstEnd: number;
  secondStart: number;
  secondEnd: number;
}

/** The phases a first request is split into. */
export const SEGMENTS = ["init", "undici", "jwks", "verify", "core", "rest"] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface PhaseRow {
  contender: PhaseContender;
  /** Median ms of the timed rounds. */
  boot: number;
  import: number;
  first: number;
  second: number;
  /** Wall of the first request's JWKS fetch (request → end of body), median of the timed rounds. */
  jwksWall: number | undefined;
  /** Where SuperTokens.init ran, and how long (ms, from the profiles). */
  init: { ms: number; at: "import" | "first request" | "none" };
  /** The import window split (ms, sums to `import`). */
  importSplit: { init: number; undici: number; import: number };
  /** The first answer split (ms, sums to `first`). */
  firstSplit: Record<Segment, number>;
  /** Core calls from the spawn to the first answer (import included), in order, from the local core's log. */
  coreCalls: string[];
  /** CPU self time by group (profiles, scaled like the phases), largest first. */
  groups: { import: Array<[string, number]>; first: Array<[string, number]> };
  /** The heaviest modules of the first request by inclusive time, for reading (not in the table). */
  topFirst: Array<[string, number]>;
  topImport: Array<[string, number]>;
  ok: boolean;
  statuses: string[];
}

export interface PhaseOptions {
  core: LocalCore;
  env: NodeJS.ProcessEnv;
  workDir: string;
  rounds: number;
  profiledRounds: number;
  /** Sampling interval of the profiled rounds, µs. */
  profileIntervalUs?: number;
  log?: (line: string) => void;
}

const JWKS_PATH = /\/\.well-known\/jwks\.json$|\/recipe\/jwt\/jwks$/;
const NON_CODE = new Set(["(program)", "(idle)", "(garbage collector)", "native", "bench harness"]);
/** A frame of a bundle (a package or our code), not the runtime's. */
const isBundleCode = (origin: Origin) => !origin.group.startsWith("node:") && !NON_CODE.has(origin.group);

const isInit = (o: Origin) =>
  o.module === "src/session/supertokens.ts" ||
  (o.module === "supertokens-node/lib/build/supertokens.js" && o.functionName === "init");
const isUndici = (o: Origin) => o.group === "node: undici";
const isJwks = (o: Origin) =>
  o.module === "src/core-client/signing-keys.ts" ||
  /^jose\/dist\/[^/]+\/[^/]+\/(jwks\/|runtime\/fetch_jwks)/.test(o.module);
const isCore = (o: Origin) =>
  o.module.startsWith("src/core-client/") || o.module === "supertokens-node/lib/build/querier.js";
const isVerify = (o: Origin) =>
  o.module === "src/session/quick-verify.ts" ||
  o.module.startsWith("jose/") ||
  o.functionName === "getSession" ||
  /^supertokens-node\/lib\/build\/recipe\/session\/(sessionRequestFunctions|accessToken|jwt|framework\/awsLambda)/.test(
    o.module,
  );

export function segmentOf(sample: Sample, network: NetworkEntry[]): Segment {
  const { stack, at } = sample;
  if (stack.some(isInit)) return "init";
  if (stack.some(isJwks)) return "jwks";
  if (stack.some(isUndici)) return "undici";
  if (stack.some(isCore)) return "core";
  if (!stack.some(isBundleCode)) {
    // The event loop, the runtime's HTTP code or idle time while a request is out; the runtime's HTTP
    // code just after one (the agent keeping the socket) belongs to the request that started last.
    const out =
      network.find((entry) => entry.start <= at && at < (entry.end ?? entry.headers ?? entry.start)) ??
      (stack.some((o) => o.group === "node: http/net")
        ? network.filter((entry) => entry.start <= at).at(-1)
        : undefined);
    if (out) return JWKS_PATH.test(out.path) ? "jwks" : "core";
  }
  if (stack.some(isVerify)) return "verify";
  return "rest";
}

interface ProfiledRun {
  importTotal: number;
  firstTotal: number;
  importSplit: { init: number; undici: number; import: number };
  firstSplit: Record<Segment, number>;
  groupsImport: Map<string, number>;
  groupsFirst: Map<string, number>;
  topImport: Map<string, number>;
  topFirst: Map<string, number>;
}

function add(map: Map<string, number>, key: string, ms: number) {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function analyse(samples: Sample[], marks: Marks, network: NetworkEntry[]): ProfiledRun {
  const run: ProfiledRun = {
    importTotal: 0,
    firstTotal: 0,
    importSplit: { init: 0, undici: 0, import: 0 },
    firstSplit: { init: 0, undici: 0, jwks: 0, verify: 0, core: 0, rest: 0 },
    groupsImport: new Map(),
    groupsFirst: new Map(),
    topImport: new Map(),
    topFirst: new Map(),
  };
  for (const sample of samples) {
    const ms = sample.weight / 1000;
    const group = leaf(sample)?.group ?? "?";
    const inclusive = new Set(sample.stack.filter((o) => !NON_CODE.has(o.group)).map((o) => o.module));
    if (sample.at >= marks.importStart && sample.at < marks.importEnd) {
      run.importTotal += ms;
      const part = sample.stack.some(isInit) ? "init" : sample.stack.some(isUndici) ? "undici" : "import";
      run.importSplit[part] += ms;
      add(run.groupsImport, group, ms);
      for (const module of inclusive) add(run.topImport, module, ms);
    } else if (sample.at >= marks.importEnd && sample.at < marks.firstEnd) {
      run.firstTotal += ms;
      run.firstSplit[segmentOf(sample, network)] += ms;
      add(run.groupsFirst, group, ms);
      for (const module of inclusive) add(run.topFirst, module, ms);
    }
  }
  return run;
}

/** Medians of each key's share of the window, times the timed wall. */
function scaledMedians(runs: Array<{ total: number; parts: Map<string, number> }>, wall: number) {
  const keys = new Set(runs.flatMap((run) => [...run.parts.keys()]));
  const out: Array<[string, number]> = [];
  for (const key of keys) {
    const share = median(runs.map((run) => (run.total > 0 ? (run.parts.get(key) ?? 0) / run.total : 0)));
    out.push([key, share * wall]);
  }
  return out.sort((a, b) => b[1] - a[1]);
}

/** Splits `wall` by the medians of the runs' shares; the last key takes what rounding leaves. */
function split<K extends string>(
  runs: Array<Record<K, number>>,
  totals: number[],
  keys: readonly K[],
  wall: number,
) {
  const out = {} as Record<K, number>;
  let used = 0;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) {
      out[key] = Math.max(wall - used, 0);
      return;
    }
    const share = median(runs.map((run, i) => ((totals[i] ?? 0) > 0 ? run[key] / (totals[i] ?? 1) : 0)));
    out[key] = share * wall;
    used += out[key];
  });
  return out;
}

interface TimedRun {
  marks: Marks;
  network: NetworkEntry[];
  coreCalls: string[];
  ok: boolean;
  status: string;
}

async function runOnce(
  contender: PhaseContender,
  options: PhaseOptions,
  profileDir?: string,
): Promise<{ timed: TimedRun; profile?: string }> {
  const execArgv = profileDir
    ? [
        "--cpu-prof",
        `--cpu-prof-dir=${profileDir}`,
        `--cpu-prof-interval=${options.profileIntervalUs ?? 200}`,
      ]
    : [];
  options.core.clearRequests();
  const child = startChild(
    { mode: "phases", contender: { kind: "bundle", path: contender.path }, event: contender.event },
    { ...options.env, ...contender.env },
    execArgv,
    contender.runtime.path,
  );
  const first = await child.next();
  const coreCalls = options.core.requests.map((request) => `${request.method} ${request.path}`);
  child.send("GO");
  const second = await child.next();
  await child.done;
  const timed: TimedRun = {
    marks: second.marks as Marks,
    network: second.network as NetworkEntry[],
    coreCalls,
    ok: first.ok === true && second.ok === true,
    status: `${first.status}/${second.status}`,
  };
  if (!profileDir) return { timed };
  // Kept next to the profile, to read it again later (bench/profile.ts) with the same windows.
  await writeFile(
    join(profileDir, "marks.json"),
    JSON.stringify({ marks: timed.marks, network: timed.network }),
  );
  const file = (await readdir(profileDir)).find((name) => name.endsWith(".cpuprofile"));
  return { timed, profile: file ? join(profileDir, file) : undefined };
}

export async function measurePhases(
  contenders: PhaseContender[],
  options: PhaseOptions,
): Promise<PhaseRow[]> {
  const log = options.log ?? (() => {});
  const attributor = new Attributor();
  const timed = new Map<string, TimedRun[]>(contenders.map((c) => [keyOf(c), []]));
  const profiled = new Map<string, ProfiledRun[]>(contenders.map((c) => [keyOf(c), []]));
  const profileRoot = join(options.workDir, "profiles");
  await rm(profileRoot, { recursive: true, force: true });
  const total = options.rounds + options.profiledRounds;
  log(`phases: ${total} rounds (${options.profiledRounds} profiled) × ${contenders.length} bundles`);
  // Round -1 warms the disk cache and is not kept; profiled rounds are spread among the timed ones.
  const profiledRounds = new Set(
    Array.from({ length: options.profiledRounds }, (_, k) =>
      Math.floor((k * total) / options.profiledRounds),
    ),
  );
  for (let round = -1; round < total; round++) {
    const profiledRound = profiledRounds.has(round);
    for (const contender of contenders) {
      const dir = profiledRound
        ? join(profileRoot, `${round}-${keyOf(contender).replace(/\W+/g, "-")}`)
        : undefined;
      if (dir) await mkdir(dir, { recursive: true });
      const { timed: run, profile } = await runOnce(contender, options, dir);
      if (round < 0) continue;
      if (profile) {
        const samples = samplesOf(readProfile(profile), attributor);
        profiled.get(keyOf(contender))?.push(analyse(samples, run.marks, run.network));
      } else timed.get(keyOf(contender))?.push(run);
    }
  }

  return contenders.map((contender): PhaseRow => {
    const runs = timed.get(keyOf(contender)) ?? [];
    const profiles = profiled.get(keyOf(contender)) ?? [];
    const ms = (from: keyof Marks, to: keyof Marks) =>
      median(runs.map((run) => (run.marks[to] - run.marks[from]) / 1000));
    const importWall = ms("importStart", "importEnd");
    const firstWall = ms("importEnd", "firstEnd");
    const jwksWall = median(
      runs.flatMap((run) =>
        run.network
          .filter((entry) => JWKS_PATH.test(entry.path) && entry.start < run.marks.firstEnd && entry.end)
          .map((entry) => ((entry.end ?? 0) - entry.start) / 1000),
      ),
    );
    const importSplit = split(
      profiles.map((p) => p.importSplit),
      profiles.map((p) => p.importTotal),
      ["init", "undici", "import"] as const,
      importWall,
    );
    const firstSplit = split(
      profiles.map((p) => p.firstSplit),
      profiles.map((p) => p.firstTotal),
      SEGMENTS,
      firstWall,
    );
    const initAt = importSplit.init >= firstSplit.init ? "import" : "first request";
    const initMs = Math.max(importSplit.init, firstSplit.init);
    const scaled = (
      pick: (p: ProfiledRun) => Map<string, number>,
      total: (p: ProfiledRun) => number,
      wall: number,
    ) =>
      scaledMedians(
        profiles.map((p) => ({ total: total(p), parts: pick(p) })),
        wall,
      );
    return {
      contender,
      boot: median(runs.map((run) => run.marks.sinceProcessStart)),
      import: importWall,
      first: firstWall,
      second: ms("secondStart", "secondEnd"),
      jwksWall: Number.isFinite(jwksWall) ? jwksWall : undefined,
      init: { ms: initMs, at: !Number.isFinite(initMs) || initMs < 0.05 ? "none" : initAt },
      importSplit,
      firstSplit,
      coreCalls: runs.at(-1)?.coreCalls ?? [],
      groups: {
        import: scaled(
          (p) => p.groupsImport,
          (p) => p.importTotal,
          importWall,
        ),
        first: scaled(
          (p) => p.groupsFirst,
          (p) => p.firstTotal,
          firstWall,
        ),
      },
      topFirst: scaled(
        (p) => p.topFirst,
        (p) => p.firstTotal,
        firstWall,
      ).slice(0, 40),
      topImport: scaled(
        (p) => p.topImport,
        (p) => p.importTotal,
        importWall,
      ).slice(0, 40),
      ok: runs.every((run) => run.ok),
      statuses: [...new Set(runs.map((run) => run.status))],
    };
  });
}

const f1 = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : "–");
const x = (part: number, whole: number) => `${(part / whole).toFixed(2)}×`;

function countCalls(calls: string[]): string {
  if (calls.length === 0) return "none";
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return [...counts].map(([call, n]) => `${n > 1 ? `${n}× ` : ""}\`${call}\``).join(", ");
}

export interface PhasesSectionInput {
  /** This runtime's rows only. */
  rows: PhaseRow[];
  /** What the rows were measured on: `Node 22.23.5`. */
  runtime: string;
  rounds: number;
  profiledRounds: number;
  intervalUs: number;
  load: string;
  /** Warm verify on this runtime, µs: ours (verify-only), supertokens-node's awsLambda verifySession, the jose floor. */
  warm?: { ours: number; superTokens: number; floor: number };
  /** The file name of this runtime's phase chart, if one was drawn. */
  chart?: string;
}

/** The floor of a runtime: the fastest of the floor's forms there (import + first answer). */
export function floorOf(rows: PhaseRow[]): PhaseRow | undefined {
  const floors = rows.filter((row) => row.contender.kind === "floor");
  return floors.sort((a, b) => a.import + a.first - (b.import + b.first))[0];
}

export interface Target {
  target: string;
  /** What is compared, without the limit: `import vs the floor`. */
  compared: string;
  /** The limit on the ratio: `≤ 2×`. */
  limit: string;
  ours: number;
  floor?: number;
  naive?: number;
  ratio: number;
  met: boolean;
  /** `ms` or `µs`. */
  unit: string;
}

/**
 * A target: `ours` at most `max` times `against.floor` (else `against.naive`, the other contender);
 * both are kept for the table.
 */
function target(
  name: string,
  compared: string,
  max: number,
  unit: string,
  ours: number,
  against: { floor?: number; naive?: number },
): Target {
  const ratio = ours / (against.floor ?? against.naive ?? Number.NaN);
  return { target: name, compared, limit: `≤ ${max}×`, ours, ...against, ratio, met: ratio <= max, unit };
}

/** The cold-start and warm targets of `session` against the floor (issues #16, #28), on one runtime. */
/** Functions that verify and read roles (guards, the authorizer), held to the floor like `session`. */
const LIGHT_READERS = ["authorizer", "editor-only"];

export function targetsOf(rows: PhaseRow[], warm?: PhasesSectionInput["warm"]): Target[] {
  const floor = floorOf(rows);
  const session = rows.find((row) => row.contender.label === "session");
  const naive = rows.find((row) => row.contender.label.startsWith("naive seed, verify only"));
  if (!floor || !session) return [];
  const whole = (row: PhaseRow) => row.import + row.first;
  return [
    target("first answer ≤ 1.2× the floor's", "first answer vs the floor", 1.2, "ms", session.first, {
      floor: floor.first,
      naive: naive?.first,
    }),
    ...(naive
      ? [
          target(
            "first answer never slower than naive",
            "first answer vs naive verify-only",
            1,
            "ms",
            session.first,
            {
              naive: naive.first,
            },
          ),
        ]
      : []),
    target("import ≤ 2× the floor's", "import vs the floor", 2, "ms", session.import, {
      floor: floor.import,
      naive: naive?.import,
    }),
    target(
      "whole cold answer (import + 1st) ≤ 1.5× the floor's",
      "import + first answer vs the floor",
      1.5,
      "ms",
      whole(session),
      { floor: whole(floor), naive: naive ? whole(naive) : undefined },
    ),
    // The light read path (issue #22): functions that verify and read roles load no supertokens-node.
    ...rows
      .filter((row) => LIGHT_READERS.includes(row.contender.label))
      .map((row) =>
        target(
          `${row.contender.label}: import + first answer ≤ 1.5× the floor's`,
          `${row.contender.label}'s import + first answer vs the floor`,
          1.5,
          "ms",
          whole(row),
          { floor: whole(floor) },
        ),
      ),
    ...(warm
      ? [
          target("warm verify ≤ 1.5× the jose floor", "warm verify vs the jose floor", 1.5, "µs", warm.ours, {
            floor: warm.floor,
          }),
          target(
            "warm verify ≤ 0.75× supertokens-node's awsLambda verifySession",
            "warm verify vs supertokens-node's awsLambda `verifySession`",
            0.75,
            "µs",
            warm.ours,
            { naive: warm.superTokens },
          ),
        ]
      : []),
  ];
}

/** `✅ 0.86× (12.8 vs 14.9 ms)`: the verdict, the ratio, and both numbers. */
export function targetCell(t: Target): string {
  const digits = t.unit === "µs" ? 0 : 1;
  const other = t.floor ?? t.naive;
  return `${t.met ? "✅" : "❌"} ${t.ratio.toFixed(2)}× (${t.ours.toFixed(digits)} vs ${other?.toFixed(digits) ?? "–"} ${t.unit})`;
}

/** `786.3`, or `786.3 (498.6 at start)` when chunks behind `import()` are not loaded by the import. */
function sizeCell(contender: PhaseContender): string {
  const { bytes, startBytes = bytes } = contender;
  return startBytes < bytes ? `${kb(bytes)} (${kb(startBytes)} at start)` : kb(bytes);
}

export function phasesSection(input: PhasesSectionInput): string {
  const { rows } = input;
  const floor = floorOf(rows);
  const lines: string[] = [];
  lines.push(
    `## Cold start by phase on ${input.runtime} (fresh process, times inside it; median of ${input.rounds} timed rounds, split by ${input.profiledRounds} CPU-profiled rounds)`,
    "",
    `Load while measuring: ${input.load}. Every contender runs in fresh processes, interleaved round by round; each imports its bundle, answers one request, waits, answers a second. Import, first and second answer are hrtime marks around \`import()\` and the handler calls (medians). The first answer is split by CPU profiles (\`node --cpu-prof\`, ${input.intervalUs} µs sampling) whose samples are mapped through each bundle's source map (\`bench/profile.ts\`) and put into one phase by their stack: SuperTokens \`init\`; undici, which Node loads on the first touch of \`Headers\`/\`Response\`/\`fetch\`; the JWKS fetch (jose's remote key set or our \`signing-keys.ts\` on the stack, or the event loop while that request is out); core calls (our core client or supertokens-node's querier on the stack, or the event loop while a core request is out); verification (our quick path \`quick-verify.ts\`, supertokens-node's session verification, jose); the rest. Each phase is its median share of the profiled window times the timed median, so the profiler's overhead cancels and the parts add up. Core calls are the local core's own log from the spawn to the first answer (import included: a bundle may call the core while it loads). Bundles load as Lambda's runtime loads them: \`.mjs\` with \`import()\`, CommonJS (the naive ones and one floor form) with \`require()\`. The floor is built three ways (as our functions: an ES module; the same with builtins loaded by \`require\`; CommonJS) and the fastest of them on this runtime, by import + first answer, is the floor of the targets${floor ? `: here ${floor.contender.label}` : ""}.`,
    "",
    "| bundle | request | size KiB | import | SuperTokens init (when) | 1st answer | ↳ init | ↳ undici load | ↳ JWKS fetch | ↳ verify | ↳ core calls | ↳ rest | 2nd answer | import + 1st | core calls until the 1st answer |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const row of rows) {
    const s = row.firstSplit;
    const init =
      row.init.at === "none"
        ? "–"
        : `${f1(row.init.ms)} (${row.init.at === "import" ? "import" : "1st req."})`;
    lines.push(
      `| ${row.contender.label}${row.ok ? "" : ` ❗ answered ${row.statuses.join(", ")}`} | ${row.contender.request} | ${sizeCell(row.contender)} | ${f1(row.import)} | ${init} | **${f1(row.first)}** | ${f1(s.init)} | ${f1(s.undici)} | ${f1(s.jwks)} | ${f1(s.verify)} | ${f1(s.core)} | ${f1(s.rest)} | ${row.second.toFixed(2)} | ${f1(row.import + row.first)} | ${countCalls(row.coreCalls)} |`,
    );
  }
  lines.push(
    "",
    "ms unless said otherwise. ↳ columns add up to the first answer. The JWKS request's own wall (request sent → last byte, timed rounds): " +
      rows
        .filter((row) => row.jwksWall !== undefined)
        .map((row) => `${row.contender.label} ${f1(row.jwksWall ?? 0)}`)
        .join(", ") +
      ". Process start → `import()` (Node's bootstrap and the harness): " +
      `${f1(median(rows.map((row) => row.boot)))} ms for all.`,
    "",
  );

  const session = rows.find((row) => row.contender.label === "session");
  const targets = targetsOf(rows, input.warm);
  if (floor && session) {
    const cell = (n: number | undefined, unit: string) =>
      n === undefined ? "" : unit === "µs" ? n.toFixed(0) : f1(n);
    lines.push(
      `### Targets on ${input.runtime} (issues #16, #28): \`session\` against the floor, side by side in this run`,
      "",
      "| target | `session` | floor | naive verify-only / supertokens-node | ratio | met |",
      "|---|---:|---:|---:|---:|:-:|",
      ...targets.map(
        (t) =>
          `| ${t.target} (${t.unit}) | ${cell(t.ours, t.unit)} | ${cell(t.floor, t.unit)} | ${cell(t.naive, t.unit)} | ${x(t.ratio, 1)} | ${t.met ? "✅" : "❌"} |`,
      ),
    );
    const withMetrics = rows.find((row) => row.contender.label === METRICS_ON_LABEL);
    lines.push(
      "",
      `The warm rows come from the section "Warm verify" on ${input.runtime} (ours: \`verifySession\` with the no-op handler; the last compares with supertokens-node's own awsLambda \`verifySession\`). On a loaded machine they move by ±30% from run to run, far more than the cold phases: judge them on an idle machine, or over several runs.`,
      ...(withMetrics
        ? [
            "",
            `Every contender runs with metrics off (\`POWERTOOLS_METRICS_DISABLED=true\`: no EMF line on stdout, and our functions then never load Powertools Metrics). With metrics on, as deployed, \`session\`'s first invocation also loads Powertools Metrics and writes the ColdStart EMF line: first answer ${f1(withMetrics.first)} ms (${x(withMetrics.first, floor.first)} the floor's), import + first ${f1(withMetrics.import + withMetrics.first)} ms (${x(withMetrics.import + withMetrics.first, floor.import + floor.first)}); the floor and the naive bundle write no metrics at all.`,
          ]
        : []),
      "",
    );
  }

  lines.push(
    `### CPU self time by group on ${input.runtime} (profiles, scaled like the phases; ms)`,
    "",
    "Where the samples' innermost frame was: a package, one of our `src/` folders, or the runtime: `node: module loader` is parsing, compiling and linking the bundle; `esbuild runtime` is esbuild's `__commonJS` wrapper, i.e. V8 compiling each CommonJS module body when it is first required; `node: loading builtins` is Node compiling its own modules (`crypto`, `http`, `zlib`, …) on first use; `node: undici` the fetch implementation; `node: http/net` sockets and streams; `(program)` V8 itself; `(idle)` waiting (for the network, or for the thread pool where jose's RSA verification runs).",
    "",
    "| bundle | import: largest groups | 1st answer: largest groups |",
    "|---|---|---|",
  );
  const top = (groups: Array<[string, number]>) =>
    groups
      .filter(([, ms]) => ms >= 0.3)
      .slice(0, 7)
      .map(([group, ms]) => `${group} ${f1(ms)}`)
      .join(", ");
  for (const row of rows)
    lines.push(`| ${row.contender.label} | ${top(row.groups.import)} | ${top(row.groups.first)} |`);
  lines.push(
    "",
    ...(input.chart ? [`![cold start by phase on ${input.runtime}](${input.chart})`, ""] : []),
    "Where the extra time goes and what would cut it (each cut tried in a throwaway copy and measured side by side): [COLD-START.md](COLD-START.md). The heaviest modules of each phase, per bundle, are in `bench/.work/phases.txt` after a run.",
    "",
  );
  return lines.join("\n");
}

/** The heaviest modules by inclusive time, per contender: bench/.work/phases.txt, for reading. */
export function phasesDetail(rows: PhaseRow[]): string {
  const out: string[] = [];
  for (const row of rows) {
    out.push(
      `== ${row.contender.runtime.label}, ${row.contender.label}: import ${f1(row.import)} ms, first ${f1(row.first)} ms`,
    );
    out.push("-- import, inclusive ms by module");
    for (const [module, ms] of row.topImport) out.push(`${f1(ms).padStart(7)}  ${module}`);
    out.push("-- first answer, inclusive ms by module");
    for (const [module, ms] of row.topFirst) out.push(`${f1(ms).padStart(7)}  ${module}`);
    out.push("");
  }
  return out.join("\n");
}
