/**
 * The esbuild plugin that leaves out what a function never runs. Each trick is listed in
 * bench/TRICKS.md with its reason, and test/integration/artifacts.test.ts proves the bundles still work.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { superTokensNodeLoadedKey } from "../../src/session/supertokens-lifecycle.ts";

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

/**
 * `export const handler = f(...)` / `export default f(...)` → the same with a `/* @__PURE__ *\/`
 * annotation, so the export the virtual entry does not re-export is dropped with its adapter.
 */
export function markAdaptersPure(source: string): string {
  return source.replace(
    /^(export const handler\s*(?::[^=]+)?=\s*|export default\s+)(?!\/\*)(?=[A-Za-z_$][\w$]*\()/gm,
    "$1/* @__PURE__ */ ",
  );
}

export function tricksPlugin(profile: Profile, used: Map<string, number> = new Map()): Plugin {
  const shim = (trick: string, file: string) => {
    used.set(trick, (used.get(trick) ?? 0) + 1);
    return { path: join(SHIMS, file) };
  };
  return {
    name: "session-roles-tricks",
    setup(build) {
      // The bundle's own name for its "supertokens-node was loaded" flag (src/session/supertokens-lifecycle.ts).
      const bundle = JSON.parse(build.initialOptions.define?.__SESSION_ROLES_BUNDLE__ ?? "true") as
        | string
        | boolean;
      // Trick 10: each functions/<fn>.ts builds both adapters at module scope (`export const handler =
      // verifySession(h)`, `export default verifySessionNetlify(h)`). Calls are kept by esbuild unless
      // marked pure, so without this the Lambda bundle would also carry the Netlify adapter and back.
      build.onLoad({ filter: /[\\/]functions[\\/][\w-]+\.ts$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        const contents = markAdaptersPure(source);
        if (contents !== source)
          used.set("adapters → marked pure", (used.get("adapters → marked pure") ?? 0) + 1);
        return { contents, loader: "ts" };
      });
      // Not a trick: supertokens-node's main module tells this bundle's pipeline that it was loaded,
      // so SuperTokens is started before a handler whose file imports a recipe (src/session/supertokens-lifecycle.ts).
      build.onLoad(
        { filter: /[\\/]supertokens-node[\\/]lib[\\/]build[\\/]supertokens\.js$/ },
        async (args) => {
          used.set(
            "supertokens-node marks itself loaded",
            (used.get("supertokens-node marks itself loaded") ?? 0) + 1,
          );
          return {
            contents: `${await readFile(args.path, "utf8")}\nglobalThis[${JSON.stringify(superTokensNodeLoadedKey(bundle))}] = true;\n`,
            loader: "js",
          };
        },
      );
      build.onResolve({ filter: /^cross-fetch$/ }, () =>
        shim("cross-fetch → runtime fetch", "cross-fetch.cjs"),
      );
      build.onResolve({ filter: /^libphonenumber-js\/max$/ }, () =>
        shim("libphonenumber-js → throwing stub", "libphonenumber.cjs"),
      );
      build.onResolve({ filter: /^jose$/ }, () =>
        shim("jose → ESM subset", profile === "verify" ? "jose-verify.mjs" : "jose.mjs"),
      );
      build.onResolve({ filter: /^pako$/ }, () => shim("pako → node:zlib", "pako.cjs"));
      build.onResolve({ filter: /^debug$/ }, () => shim("debug → 40-line logger", "debug.cjs"));
      // Trick 11: supertokens-node needs the public-suffix list only to default cookieSameSite, and
      // src/supertokens.ts always passes it (COOKIE_SAME_SITE, src/config/core.ts).
      build.onResolve({ filter: /^tldts$/ }, () =>
        shim("tldts → hostname (cookieSameSite given)", "tldts.cjs"),
      );
      // Trick 12: the Headers polyfill for runtimes without one (Node < 18).
      build.onResolve({ filter: /^\.\/nodeHeaders$/ }, (args) =>
        /[\\/]supertokens-node[\\/]lib[\\/]build[\\/]framework[\\/]custom[\\/]framework\.js$/.test(
          args.importer,
        )
          ? shim("Headers polyfill → none (Node ≥ 18)", "node-headers.cjs")
          : undefined,
      );
      // Trick 13: jose verifies RSA signatures synchronously (one request at a time: no thread-pool hop).
      build.onResolve({ filter: /^\.\/flags\.js$/ }, (args) =>
        args.importer.startsWith(JOSE_ESM) && /[\\/]runtime[\\/]verify\.js$/.test(args.importer)
          ? shim("jose verify → synchronous", "jose-verify-flags.mjs")
          : undefined,
      );
      build.onResolve({ filter: /^jose-esm\// }, (args) => ({
        path: join(JOSE_ESM, args.path.slice("jose-esm/".length)),
      }));
      build.onResolve({ filter: /^st-build\// }, (args) => ({
        path: join(ST_BUILD, args.path.slice("st-build/".length)),
      }));
      // `require("../../framework")` from session/sessionRequestFunctions.js: the adapter table.
      build.onResolve({ filter: /^\.\.\/\.\.\/framework$/ }, (args) =>
        args.importer.endsWith(join("recipe", "session", "sessionRequestFunctions.js"))
          ? shim("framework adapters → none (framework: custom)", "framework-index.cjs")
          : undefined,
      );
      if (profile === "verify") {
        const fromStBuild = (importer: string, file: string) =>
          importer.split("\\").join("/").endsWith(`/supertokens-node/lib/build/${file}`);
        build.onResolve({ filter: /^\.\/authUtils$/ }, (args) =>
          fromStBuild(args.importer, "index.js")
            ? shim("AuthUtils → none (verify-only)", "auth-utils.cjs")
            : undefined,
        );
        build.onResolve({ filter: /^\.\/recipe\/multifactorauth$/ }, (args) =>
          fromStBuild(args.importer, "index.js")
            ? shim("MFA/TOTP → recipe id only (verify-only)", "mfa-index.cjs")
            : undefined,
        );
        build.onResolve({ filter: /^\.\/recipe\/(totp|multifactorauth)\/recipe$/ }, (args) => {
          if (!fromStBuild(args.importer, "supertokens.js")) return undefined;
          shim("MFA/TOTP → recipe id only (verify-only)", "recipe-id-only.cjs");
          return { path: args.path.split("/")[1] ?? "", namespace: "recipe-id-only" };
        });
        build.onLoad({ filter: /.*/, namespace: "recipe-id-only" }, async (args) => ({
          contents: (await readFile(join(SHIMS, "recipe-id-only.cjs"), "utf8")).replace(
            "__RECIPE_ID__",
            JSON.stringify(args.path),
          ),
          loader: "js",
          resolveDir: SHIMS,
        }));
        build.onResolve({ filter: /^\.\/api\// }, (args) => {
          const recipe = args.importer.match(
            /[\\/]supertokens-node[\\/]lib[\\/]build[\\/]recipe[\\/](\w+)[\\/]recipe\.js$/,
          )?.[1];
          if (!recipe || KEEP_API_OF.has(recipe)) return undefined;
          return args.path === "./api/implementation"
            ? shim("recipe APIs → disabled (verify-only)", "api-implementation.cjs")
            : shim("recipe APIs → disabled (verify-only)", "api-handler.cjs");
        });
      }
    },
  };
}
