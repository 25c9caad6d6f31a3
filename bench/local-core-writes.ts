/**
 * The local core's writes with a large data file (issue #26): writes per second and latency of
 * state-changing requests against a core holding 100,000 users, saved to its journal, side by side with
 * what one save cost when every write rewrote the whole state (snapshot written atomically). Writes
 * bench/local-core-writes.md. Runs after `npm run bench` (`postbench`), or alone:
 * `npx tsx bench/local-core-writes.ts [--users 100000] [--writes 1000]`.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalCore } from "../local-core/index.ts";
import { journalOf } from "../local-core/journal.ts";
import { hashPassword } from "../local-core/password.ts";
import { loadState, writeAtomically } from "../local-core/persistence.ts";
import { addUser } from "../local-core/recipes/users.ts";
import { serializeState } from "../local-core/snapshot.ts";
import { bucket } from "../local-core/state.ts";
import { BASE_APP, Store } from "../local-core/store.ts";
import { parseCli } from "../scripts/cli-args.ts";

const BENCH = dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: npx tsx bench/local-core-writes.ts [--users <n>] [--writes <n>]
  --users <n>    users in the data file (default 100000)
  --writes <n>   timed writes (default 1000)
Writes bench/local-core-writes.md. Exit codes: 0 done, 1 failed, 2 usage.`;

const { values: args, fail } = parseCli({
  usage: USAGE,
  options: { users: { type: "string" }, writes: { type: "string" } },
});
const count = (name: string, value: string | undefined, fallback: number): number => {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1) fail(`invalid --${name}: ${value}`);
  return n;
};
const USERS = count("users", args.users, 100_000);
const WRITES = count("writes", args.writes, 1000);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const ms = (value: number): string => value.toFixed(value < 10 ? 2 : 1);
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** A data file with `users` email/password users, each with a role and metadata (one shared hash: no scrypt per user). */
async function seedDataFile(file: string, users: number): Promise<void> {
  const store = await Store.create(undefined, {});
  const app = store.app(BASE_APP)!;
  const passwordHash = await hashPassword("bench password 1");
  app.roles.set("user", ["content:read"]);
  for (let i = 0; i < users; i++) {
    const user = addUser(app, "public", {
      recipeId: "emailpassword",
      email: `user-${i}@example.com`,
      passwordHash,
    });
    bucket(app.userRoles, "public").set(user.id, ["user"]);
    app.metadata.set(user.id, { plan: "free", index: i });
  }
  writeFileSync(file, serializeState(store.state));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "local-core-writes-"));
  try {
    const file = join(dir, "core.json");
    const started = performance.now();
    await seedDataFile(file, USERS);
    const core = await startLocalCore({ port: 0, dataFile: file });
    const loadMs = performance.now() - started;
    const state = loadState(file)!;
    const userIds = [...state.apps.get(BASE_APP)!.users.keys()];
    const snapshotBytes = statSync(file).size;

    const put = (path: string, body: unknown) =>
      fetch(`${core.url}${path}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (res) => {
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
    // Writes of three kinds, one at a time: metadata merged, a role granted, a role created.
    const write = (i: number): Promise<void> => {
      const userId = userIds[(i * 7919) % userIds.length]!;
      if (i % 3 === 0) return put("/recipe/user/metadata", { userId, metadataUpdate: { last: i } });
      if (i % 3 === 1) return put("/public/recipe/user/role", { userId, role: "user" });
      return put("/recipe/role", { role: `bench-${i}-${randomUUID().slice(0, 8)}`, permissions: [] });
    };
    for (let i = 0; i < 20; i++) await write(i);
    const latencies: number[] = [];
    const journalBefore = statSync(journalOf(file)).size;
    const timed = performance.now();
    for (let i = 0; i < WRITES; i++) {
      const t = performance.now();
      await write(i + 20);
      latencies.push(performance.now() - t);
    }
    const totalMs = performance.now() - timed;
    const journalBytes = statSync(journalOf(file)).size - journalBefore;
    const compactStarted = performance.now();
    await core.flush();
    const compactMs = performance.now() - compactStarted;
    await core.close();

    // What one save cost before the journal: the whole state serialised and written atomically.
    const rewrites: number[] = [];
    const loaded = loadState(file)!;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await writeAtomically(join(dir, "rewrite.json"), serializeState(loaded));
      rewrites.push(performance.now() - t);
    }

    latencies.sort((a, b) => a - b);
    rewrites.sort((a, b) => a - b);
    const rewriteMedian = percentile(rewrites, 50);
    const lines = [
      "# Local core: writes with a large data file",
      "",
      `Machine: ${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores · Node ${process.version} · ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
      "",
      "Reproduce: `npm run bench` (runs this after the main bench) or `npx tsx bench/local-core-writes.ts`.",
      `A core with --data holding ${USERS.toLocaleString("en")} users (each with a role and metadata; data file ${mib(snapshotBytes)} MiB) answers ${WRITES.toLocaleString("en")} writes, one at a time (metadata merges, role grants, role creations), each answered once it is fsynced.`,
      "",
      "| | writes/s | p50 ms | p99 ms |",
      "|---|---:|---:|---:|",
      `| journal (appends the changed records) | ${(WRITES / (totalMs / 1000)).toFixed(0)} | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} |`,
      `| whole-state rewrite per save (before; save alone, ${rewrites.length} runs) | ${(1000 / rewriteMedian).toFixed(1)} | ${ms(rewriteMedian)} | ${ms(percentile(rewrites, 99))} |`,
      "",
      `Journal growth: ${(journalBytes / WRITES).toFixed(0)} bytes per write. Folding the journal into the data file (at close, at start, and when the journal outgrows max(8 MiB, the data file)) took ${ms(compactMs)} ms. Seeding and starting the core: ${(loadMs / 1000).toFixed(1)} s.`,
      "",
    ];
    await writeFile(join(BENCH, "local-core-writes.md"), lines.join("\n"));
    console.log(lines.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`local-core-writes bench: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
