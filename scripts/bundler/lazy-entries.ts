/**
 * The esbuild plugin that puts everything a Lambda bundle loads at start into one chunk.
 *
 * esbuild puts each module into the chunk of the entries that reach it, so modules that index.mjs and
 * some `import()` targets share land in several small chunks, each loaded at start: one more file to
 * read, compile and link (~0.25 ms each on a cold start; bench/COLD-START.md, cut 17). Every `import()`
 * target is reached here through a wrapper that also imports the bundle's entry (its `handler`): every
 * module the function loads at start is then reached by the same entries, and esbuild writes them into
 * one chunk (./start-layout.ts lays it out). The import costs nothing at run time: a target is loaded
 * after the entry has been evaluated.
 */
import type * as esbuild from "esbuild";
import { probeExports } from "./exports-probe.ts";

const NAMESPACE = "session-roles-lazy-entry";
/** What each wrapper re-exports of the entry (nothing reads it). */
const ENTRY_EXPORT = "__sessionRolesFunction";

interface Target {
  /** The file, and where the first importer resolved it from. */
  path: string;
  resolveDir: string;
  /** Whether the module exports `default`. */
  hasDefault: boolean;
}

/** `entry`: the bundle's virtual entry, whose `handler` every wrapper imports. */
export function lazyEntriesPlugin(entry: string): esbuild.Plugin {
  return {
    name: NAMESPACE,
    setup(build) {
      const targets = new Map<string, Target>();
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.pluginData?.[NAMESPACE]) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          namespace: args.namespace,
          pluginData: { [NAMESPACE]: true },
        });
        // Only ES modules of files, imported without attributes: `export *` re-exports what an ES module
        // declares, and nothing of a CommonJS module (a builtin, a package's CommonJS build), whose
        // names are known only when it runs. Those stay plain `import()` targets.
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== "file")
          return undefined;
        if (Object.keys(args.with ?? {}).length > 0) return undefined;
        const probed = await probeExports(resolved.path);
        if (probed.format !== "esm") return undefined;
        targets.set(resolved.path, {
          path: resolved.path,
          resolveDir: args.resolveDir,
          hasDefault: probed.exports.includes("default"),
        });
        return { path: resolved.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const target = targets.get(args.path);
        if (!target) return undefined;
        const from = JSON.stringify(target.path);
        // A binding, not a bare import: the project declares `"sideEffects": false`, so esbuild would
        // drop a bare one. `handler` is kept by index.mjs anyway.
        const contents = [
          `export { handler as ${ENTRY_EXPORT} } from ${JSON.stringify(entry)};`,
          `export * from ${from};`,
          target.hasDefault ? `export { default } from ${from};` : "",
        ].join("\n");
        return { contents, resolveDir: target.resolveDir, loader: "js" };
      });
    },
  };
}
