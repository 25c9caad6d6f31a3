/**
 * `npm run build`: one minified ESM bundle per function and platform (see scripts/bundler/bundle.ts),
 * a size table, and exit 1 when a function is over its budget in budgets.json.
 * Options: see USAGE.
 */
import { readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { readCatalog } from "../src/roles/catalog.ts";
import { recordSources } from "./build-record.ts";
import { buildFunctions, type FunctionResult } from "./bundler/bundle.ts";
import { listFunctions, ROOT } from "./bundler/functions.ts";
import { kb, table } from "./bundler/report.ts";
import { parseCli } from "./cli-args.ts";

const USAGE = `usage: npm run build -- [options]
  --out <dir>     where to write the bundles (default dist)
  --only <fn,fn>  build only these functions (names of files in functions/)
  -h, --help      show this help
Exit codes: 0 built, 1 a function is over its budget in budgets.json or the build failed, 2 usage.`;

export interface Budget {
  /** Minified bytes of the larger of the function's two bundles (a Lambda bundle's chunks count), in KiB. */
  minifiedKB: number;
  gzipKB: number;
}

export interface Budgets {
  /** For a function with no entry of its own: a session-verifying function's usual size, with room. */
  default: Budget;
  functions: Record<string, Budget>;
}

export async function readBudgets(): Promise<Budgets> {
  return JSON.parse(await readFile(join(ROOT, "budgets.json"), "utf8")) as Budgets;
}

/** A function's own budget, else the default one. */
export function budgetOf(budgets: Budgets, name: string): { budget: Budget; own: boolean } {
  const own = budgets.functions[name];
  return own ? { budget: own, own: true } : { budget: budgets.default, own: false };
}

/** Why a function is over budget, or undefined when it is within. */
export function overBudget(result: FunctionResult, budget: Budget): string | undefined {
  const problems: string[] = [];
  for (const bundle of [result.lambda, result.netlify ?? result.lambda]) {
    if (bundle.bytes > budget.minifiedKB * 1024)
      problems.push(`${bundle.platform} ${kb(bundle.bytes)} KB minified > ${budget.minifiedKB} KB`);
    if (bundle.gzipBytes > budget.gzipKB * 1024)
      problems.push(`${bundle.platform} ${kb(bundle.gzipBytes)} KB gzip > ${budget.gzipKB} KB`);
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** ` in 3 files` when the Lambda bundle has chunks (code behind `await import(...)`), else nothing. */
function filesNote(result: FunctionResult): string {
  const count = result.lambda.files.length;
  return count > 1 ? ` in ${count} files` : "";
}

async function main(): Promise<number> {
  const { values, fail } = parseCli({
    usage: USAGE,
    options: { out: { type: "string" }, only: { type: "string" } },
  });
  const only = values.only?.split(",").map((name) => name.trim());
  if (only) {
    const known = listFunctions().map((spec) => spec.name);
    const unknown = only.filter((name) => !known.includes(name));
    if (unknown.length > 0)
      fail(`invalid --only: no function named ${unknown.join(", ")} (functions: ${known.join(", ")})`);
  }
  const outDir = values.out ? resolve(process.cwd(), values.out) : join(ROOT, "dist");
  // roles.json goes into every bundle: its naming rule is checked before anything is built.
  try {
    await readCatalog();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const budgets = await readBudgets();
  const started = performance.now();
  const results = await buildFunctions({
    outDir,
    only,
    onFunction: (result) =>
      console.log(
        `built ${result.name.padEnd(12)} lambda ${kb(result.lambda.bytes)} KB${filesNote(result)} (zip ${kb(result.lambda.zipBytes)} KB), ${result.netlify ? `netlify ${kb(result.netlify.bytes)} KB` : "Lambda only"}`,
      ),
  });
  await recordSources(outDir, results);
  results.sort((a, b) => a.name.localeCompare(b.name));
  const failures: string[] = [];
  const rows = results.map((result) => {
    const { budget, own } = budgetOf(budgets, result.name);
    const problem = overBudget(result, budget);
    if (problem) failures.push(`${result.name}: ${problem}`);
    const top = result.lambda.packages
      .slice(0, 3)
      .map((pkg) => `${pkg.name} ${kb(pkg.bytes)}`)
      .join(", ");
    return [
      result.name,
      kb(result.lambda.bytes),
      kb(result.lambda.gzipBytes),
      `${budget.minifiedKB} / ${budget.gzipKB}${own ? "" : " (default)"}`,
      problem ? "OVER" : "ok",
      kb(result.lambda.startBytes),
      top,
    ];
  });
  console.log(
    `\n${table(["function", "min KB", "gzip KB", "budget KB (min / gzip)", "status", "loaded at start KB", "largest packages (KB, lambda bundle)"], rows)}`,
  );
  console.log(
    `\n${results.length} functions in ${((performance.now() - started) / 1000).toFixed(1)} s → ${relative(process.cwd(), outDir) || "."}`,
  );
  if (failures.length > 0) {
    console.error(`\nover budget:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  return 1;
});
