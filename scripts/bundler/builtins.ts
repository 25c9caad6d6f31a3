/**
 * The esbuild plugin that loads Node's builtins with CommonJS `require` in our ES module bundles.
 *
 * An ES module `import … from "node:http"` makes Node build an ES-module facade of the builtin, and
 * the facade reads every export once. On Node 22 and 24 `http` and `https` have lazy getters
 * (`WebSocket`, `MessageEvent`, …) that load undici, Node's fetch: ~15-30 ms and a garbage
 * collection on every cold start, for code no request uses. `crypto`'s facade likewise loads
 * WebCrypto (`subtle`, `webcrypto`). `require("node:http")` returns the module object and reads
 * nothing (bench/COLD-START.md, "Node 22 and 24").
 *
 * So every static import of a builtin by a dependency (jose's ESM build imports `http`, `https`,
 * `crypto`; Powertools imports `node:console`) resolves to a one-line CommonJS module
 * `module.exports = process.getBuiltinModule("node:<name>")`. esbuild wraps it like any CommonJS
 * dependency: it runs where the import would have been evaluated, and its named exports are read
 * through getters at use time, so no lazy getter fires. `require()` calls are left as they are: the
 * banner's `require` takes the same path (./bundle.ts). Our own code calls `process.getBuiltinModule`
 * itself, which spares esbuild's copy of every export at start (COLD-START.md, cut 21).
 */
import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

/** Builtins by their name without `node:` (`builtinModules` lists `fs/promises`, not `node:test`). */
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));
const NAMESPACE = "session-roles-builtin";

/** `node:http` or `http` → `http` when it names a builtin; undefined for anything else. */
function builtinName(specifier: string): string | undefined {
  const name = specifier.startsWith("node:") ? specifier.slice("node:".length) : specifier;
  return BUILTINS.has(name) ? name : undefined;
}

/** The CommonJS module an import of the builtin `name` resolves to. */
function builtinModuleSource(name: string): string {
  return `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${name}`)});\n`;
}

export function builtinsPlugin(): Plugin {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_0-9]+(\/[a-z_0-9]+)*$/ }, (args) => {
        if (args.kind !== "import-statement" && args.kind !== "dynamic-import") return undefined;
        const name = builtinName(args.path);
        if (!name) return undefined;
        // An `import()` stays Node's own: esbuild would give the chunk of a CommonJS module a `default`
        // export only, and `(await import("node:async_hooks")).AsyncLocalStorage` would be undefined.
        // Node builds the facade then, when the import runs, not at cold start.
        if (args.kind === "dynamic-import") return { path: `node:${name}`, external: true };
        return { path: name, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: builtinModuleSource(args.path),
        loader: "js",
      }));
    },
  };
}
