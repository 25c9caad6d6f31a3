/**
 * What `npm run build` was made from, written into its manifest (functions.json `sources`: each
 * project file a bundle contains, and package-lock.json, with its content hash), so `serverless
 * package` can refuse a partial or stale build (scripts/build-record.cjs).
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { FunctionResult } from "./bundler/bundle.ts";
import { MANIFEST } from "./bundler/bundle.ts";
import { ROOT } from "./bundler/functions.ts";

const { fileHash } = createRequire(import.meta.url)("./build-record.cjs") as {
  fileHash: (file: string) => string;
};

/** The project files (not node_modules, not the bundler's virtual entries) the bundles were made from. */
export function sourcesOf(results: FunctionResult[]): string[] {
  const inputs = new Set<string>(["package-lock.json"]);
  for (const result of results)
    for (const bundle of [result.lambda, ...(result.netlify ? [result.netlify] : [])])
      for (const input of Object.keys(bundle.metafile.inputs))
        if (!input.startsWith("node_modules/") && !input.includes(":")) inputs.add(input);
  return [...inputs].filter((file) => existsSync(join(ROOT, file))).sort();
}

export async function recordSources(outDir: string, results: FunctionResult[]): Promise<void> {
  const file = join(outDir, MANIFEST);
  const manifest = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  manifest.sources = Object.fromEntries(sourcesOf(results).map((path) => [path, fileHash(join(ROOT, path))]));
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
