/**
 * The esbuild plugin that leaves out what a function never runs. Each trick is listed in
 * bench/TRICKS.md with its reason, and test/integration/artifacts.test.ts proves the bundles still work.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";

const require = createRequire(import.meta.url);
const SHIMS = join(dirname(fileURLToPath(import.meta.url)), "shims");
const JOSE_ESM = join(dirname(require.resolve("jose")), "..", "esm");
const ST_BUILD = dirname(require.resolve("supertokens-node/lib/build/supertokens.js"));

/**
 * `verify`: a function that verifies sessions and calls recipe functions, never SuperTokens' own
 * API routes (no middleware). `routes`: a function that serves /auth/* through supertokens-node.
 */
export type Profile = "verify" | "routes";

/** Recipes whose API modules stay in verify-only bundles (session's are small and its API impl is public). */
const KEEP_API_OF = new Set(["session"]);

export interface TrickUse {
  trick: string;
  count: number;
}

export function tricksPlugin(profile: Profile, used: Map<string, number> = new Map()): Plugin {
  const shim = (trick: string, file: string) => {
    used.set(trick, (used.get(trick) ?? 0) + 1);
    return { path: join(SHIMS, file) };
  };
  return {
    name: "session-roles-tricks",
    setup(build) {
      build.onResolve({ filter: /^cross-fetch$/ }, () => shim("cross-fetch → runtime fetch", "cross-fetch.cjs"));
      build.onResolve({ filter: /^libphonenumber-js\/max$/ }, () =>
        shim("libphonenumber-js → throwing stub", "libphonenumber.cjs"),
      );
      build.onResolve({ filter: /^jose$/ }, () => shim("jose → ESM subset", "jose.mjs"));
      build.onResolve({ filter: /^jose-esm\// }, (args) => ({ path: join(JOSE_ESM, args.path.slice("jose-esm/".length)) }));
      build.onResolve({ filter: /^st-build\// }, (args) => ({ path: join(ST_BUILD, args.path.slice("st-build/".length)) }));
      // `require("../../framework")` from session/sessionRequestFunctions.js: the adapter table.
      build.onResolve({ filter: /^\.\.\/\.\.\/framework$/ }, (args) =>
        args.importer.endsWith(join("recipe", "session", "sessionRequestFunctions.js"))
          ? shim("framework adapters → none (framework: custom)", "framework-index.cjs")
          : undefined,
      );
      if (profile === "verify") {
        build.onResolve({ filter: /^\.\/api\// }, (args) => {
          const recipe = args.importer.match(/[\\/]supertokens-node[\\/]lib[\\/]build[\\/]recipe[\\/](\w+)[\\/]recipe\.js$/)?.[1];
          if (!recipe || KEEP_API_OF.has(recipe)) return undefined;
          return args.path === "./api/implementation"
            ? shim("recipe APIs → disabled (verify-only)", "api-implementation.cjs")
            : shim("recipe APIs → disabled (verify-only)", "api-handler.cjs");
        });
      }
    },
  };
}
