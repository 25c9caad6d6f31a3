/**
 * The README's performance section, written by `npm run bench` between `<!-- performance:start -->`
 * and `<!-- performance:end -->` in every top-level Markdown file of the repository and of docs/ that
 * has both markers: its numbers come from the run that wrote bench/results.md, each naming its runtime.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FunctionResult } from "../scripts/bundler/bundle.ts";
import { ROOT } from "../scripts/bundler/functions.ts";
import { kb } from "../scripts/bundler/report.ts";
import { type Target, targetCell } from "./phases.ts";

export const START = "<!-- performance:start -->";
export const END = "<!-- performance:end -->";

export interface PerformanceInput {
  /** Per runtime, in the bench's order: its label, `session`'s targets, and the floor form used. */
  results: Array<{ runtime: string; targets: Target[]; floor: string }>;
  session: FunctionResult | undefined;
  naive: { bytes: number; gzipBytes: number };
  /** The machine's load while measuring (bench/run.ts). */
  load: string;
}

export function performanceSection(input: PerformanceInput): string {
  const runtimes = input.results.map((result) => result.runtime);
  const names = [...new Set(input.results.flatMap((result) => result.targets.map((t) => t.target)))];
  const rows = names.map((name) => {
    const cells = input.results.map((result) => {
      const t = result.targets.find((candidate) => candidate.target === name);
      return t ? targetCell(t) : "–";
    });
    const t = input.results
      .flatMap((result) => result.targets)
      .find((candidate) => candidate.target === name);
    return `| ${t?.compared ?? name} | ${t?.limit ?? ""} | ${cells.join(" | ")} |`;
  });
  const session = input.session?.lambda;
  const size = session
    ? `\`session\`'s Lambda bundle is ${kb(session.bytes)} / ${kb(session.gzipBytes)} KiB minified / gzip, of which ${kb(session.startBytes)} KiB are loaded at start (the naive bundle: ${kb(input.naive.bytes)} / ${kb(input.naive.gzipBytes)} KiB, all loaded at start).`
    : "";
  const allMet = input.results.every((result) => result.targets.every((t) => t.met));
  return [
    "## Performance",
    "",
    "Cold starts are what serverless users feel, so every function is built to load as little as it can.",
    "`npm run build` makes one minified ESM bundle per function and platform (`dist/lambda/<fn>.zip` holding",
    "`index.mjs` and the chunks of code it reaches only through `await import(...)`, read on first use;",
    "`dist/netlify/<fn>.mjs`, one file), prints a size table and fails when a function is over",
    "its budget in `budgets.json`. What is left out of supertokens-node's dependency tree, and why it is",
    "safe, is listed in [bench/TRICKS.md](bench/TRICKS.md); `test/integration/artifacts.test.ts` serves real",
    "requests through the unzipped artifacts to prove the functions still work.",
    "",
    "Measured by `npm run bench` (this section is written by it) against the floor (jose's `createRemoteJWKSet` +",
    "`jwtVerify`, nothing else, in its fastest form on each runtime), the seed's naive bundle (supertokens-node's own",
    "awsLambda `verifySession` + `Session.init()`, esbuild defaults for node, loaded with `require()`) and",
    `supertokens-node's awsLambda \`verifySession\`, side by side in one run (${input.load}), on ${runtimes.join(", ")}`,
    "(Lambda's `nodejs22.x` and `nodejs24.x` from the npm registry's `node` package, in `runtimes/`). Full tables and the",
    "stacked phase chart: [bench/results.md](bench/results.md); analysis: [bench/COLD-START.md](bench/COLD-START.md).",
    "",
    `| \`session\` (GET /session, header mode): ours / theirs | target | ${runtimes.join(" | ")} |`,
    `|---|:-:|${runtimes.map(() => ":-:").join("|")}|`,
    ...rows,
    "",
    `${allMet ? "Every target is met on every runtime in that run." : "❌ marks a target missed in that run."} ${size}`,
    "",
    "- **A plain, current token never loads supertokens-node** ([the quick verify path](docs/design.md)): the",
    "  Lambda bundle is split, and a cold start of `session` loads only its entry. supertokens-node,",
    "  Powertools and `node:https` are read on first need. `editor-only` and the authorizer verify and read roles",
    "  without it too, and `update-role` loads it for its first write; `user-roles` and `auth` load it at start",
    "  and start it in Lambda's init phase (their entry awaits it).",
    "- **Node's builtins come from `process.getBuiltinModule`**, ours and our dependencies' (`scripts/bundler/builtins.ts`):",
    "  on Node 22 and 24 an ES module `import` of `node:http` builds a facade that reads `http`'s lazy getters, which",
    "  load undici (its cost: the phase tables of [bench/results.md](bench/results.md)), and a `createRequire` or",
    "  esbuild's copy of a CommonJS module's exports at the top of a file costs every cold start too.",
    "  `test/integration/undici-free-import.test.ts` imports every bundle on Node 22 and 24 and fails if undici was loaded.",
    "- The core's signing keys are asked for in the init phase (the request is out while the runtime fetches",
    "  the first event), kept 4 h like supertokens-node's own, and fetched again only when they are old. A",
    "  function that reads roles asks, on its first request, for the user's roles while the keys are still on",
    "  their way, and the authorizer also for the permissions of the declared roles the token names (used only",
    "  once the token verified; a token that does not verify costs the core those reads, once per process).",
    "- **The environment is read without valibot** when every value is one deployments write (`src/config/parse.ts`);",
    "  any other value, and every error message, goes to the valibot schema. A differential test",
    "  (`test/unit/config-quick.test.ts`) holds the two to the same answers.",
    "- **One file at start**: every `import()` target is reached through a wrapper that also imports the",
    "  bundle's entry (`scripts/bundler/lazy-entries.ts`), so esbuild writes every module loaded at start into one",
    "  chunk, and that chunk becomes `index.mjs` itself (`scripts/bundler/start-layout.ts`). A function whose",
    "  init phase awaits SuperTokens (supertokens-node loaded at start) keeps `index.mjs` apart, with its",
    "  top-level `await`, and one chunk.",
    "- Nothing on a Lambda request path loads undici: the request and response models use a small",
    "  `Headers`-compatible class, core answers reach supertokens-node as a buffered Response-like, core requests",
    "  go out through `node:http`. A handler may still return a web `Response` (undici then loads, by its choice).",
    "  Netlify v2 functions take and give web `Request`/`Response`, so they do load it.",
    "- jose verifies RSA signatures synchronously (one request at a time per process); the public-suffix list",
    "  (tldts) is not bundled, because every function passes `cookieSameSite` itself.",
    "- Role update: exactly one `regenerate` and one roles read per request (each role's permissions from a",
    "  per-instance cache, `ROLE_PERMISSIONS_MAX_AGE_SECONDS`). Guards and the authorizer: one roles read per request,",
    "  no write unless the roles changed ([`bench/core-load.md`](bench/core-load.md)).",
    "",
    "Reproduce: `npm run bench` (the whole run's time heads [bench/results.md](bench/results.md); it builds into `bench/.work/`, starts the local core",
    "on a free port, and rewrites `bench/results.md`, `bench/cold-start.svg`, `bench/cold-phases.svg` and this",
    "section). `npm run bench -- --quick` gives a rough run with fewer rounds.",
  ].join("\n");
}

/** `text` in place of what is between the markers; undefined when `file` has not both. */
export function replaceBetweenMarkers(file: string, text: string): string | undefined {
  const start = file.indexOf(START);
  const end = file.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return `${file.slice(0, start + START.length)}\n${text}\n${file.slice(end)}`;
}

/** Writes the section into every Markdown file with the markers; the files written, relative to ROOT. */
export async function writePerformanceSection(input: PerformanceInput): Promise<string[]> {
  const text = performanceSection(input);
  const candidates = [
    ...(await readdir(ROOT)).filter((name) => name.endsWith(".md")),
    ...(await readdir(join(ROOT, "docs")).catch(() => [] as string[]))
      .filter((name) => name.endsWith(".md"))
      .map((name) => join("docs", name)),
  ];
  const written: string[] = [];
  for (const name of candidates) {
    const path = join(ROOT, name);
    const before = await readFile(path, "utf8");
    // A file under docs/ links to bench/ one level up, and to docs/ beside it.
    const after = replaceBetweenMarkers(
      before,
      name.startsWith("docs")
        ? text.replace(/\]\(bench\//g, "](../bench/").replace(/\]\(docs\//g, "](")
        : text,
    );
    if (after === undefined) continue;
    if (after !== before) await writeFile(path, after);
    written.push(name);
  }
  return written;
}
