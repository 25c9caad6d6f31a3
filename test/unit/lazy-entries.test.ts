// The bundler's lazy-entry wrappers (scripts/bundler/lazy-entries.ts): an `import()` target keeps every
// export it had: an ES module (wrapped) its named and default exports, a Node builtin its named ones
// (scripts/bundler/builtins.ts leaves its `import()` to Node), a CommonJS file its `module.exports` as
// `default` (esbuild's way with a CommonJS chunk; not wrapped).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinsPlugin } from "../../scripts/bundler/builtins.ts";
import { SHARED_OPTIONS } from "../../scripts/bundler/bundle.ts";
import { lazyEntriesPlugin } from "../../scripts/bundler/lazy-entries.ts";

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lazy-entries-"));
  await writeFile(join(dir, "esm.mjs"), "export const named = 'esm'; export default 'esm default';\n");
  await writeFile(join(dir, "cjs.cjs"), "exports.named = 'cjs';\n");
  await writeFile(
    join(dir, "fn.mjs"),
    [
      "export const handler = async () => {",
      "  const [esm, cjs, hooks] = await Promise.all([import('./esm.mjs'), import('./cjs.cjs'), import('node:async_hooks')]);",
      "  return { esm: esm.named, esmDefault: esm.default, cjs: cjs.default.named, hooks: typeof hooks.AsyncLocalStorage };",
      "};",
    ].join("\n"),
  );
  await esbuild.build({
    ...SHARED_OPTIONS,
    entryPoints: [join(dir, "fn.mjs")],
    outdir: join(dir, "out"),
    splitting: true,
    outExtension: { ".js": ".mjs" },
    plugins: [lazyEntriesPlugin(join(dir, "fn.mjs")), builtinsPlugin()],
  });
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("lazy entries", () => {
  it("leave every import() target its named and default exports", async () => {
    const bundle = await import(pathToFileURL(join(dir, "out", "fn.mjs")).href);
    expect(await bundle.handler()).toEqual({
      esm: "esm",
      esmDefault: "esm default",
      cjs: "cjs",
      hooks: "function",
    });
  });
});
