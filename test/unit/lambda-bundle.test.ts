// The Lambda bundle's bookkeeping, without building: which of its files a cold start loads (from
// esbuild's metafile), the zip of its files, and the `require` each file starts with.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import { unzipSync } from "fflate";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ESM_REQUIRE_BANNER, lambdaZip, loadedAtStart } from "../../scripts/bundler/bundle.ts";

type Output = Metafile["outputs"][string];

function output(imports: Output["imports"]): Output {
  return { bytes: 1, inputs: {}, imports, exports: [] };
}

describe("loadedAtStart", () => {
  const dir = "dist/lambda/auth";
  const metafile: Metafile = {
    inputs: {},
    outputs: {
      [`${dir}/index.mjs`]: output([
        { path: "node:module", kind: "import-statement", external: true },
        { path: `${dir}/chunk-SHARED.mjs`, kind: "import-statement" },
        { path: `${dir}/chunk-LAZY.mjs`, kind: "dynamic-import" },
      ]),
      [`${dir}/index.mjs.map`]: output([]),
      [`${dir}/chunk-SHARED.mjs`]: output([{ path: `${dir}/chunk-DEEP.mjs`, kind: "import-statement" }]),
      [`${dir}/chunk-DEEP.mjs`]: output([{ path: `${dir}/chunk-SHARED.mjs`, kind: "import-statement" }]),
      [`${dir}/chunk-LAZY.mjs`]: output([{ path: `${dir}/chunk-SHARED.mjs`, kind: "import-statement" }]),
    },
  };

  it("follows static imports transitively (cycles too), not import() nor externals", () => {
    expect(loadedAtStart(metafile, `${dir}/index.mjs`)).toEqual([
      `${dir}/index.mjs`,
      `${dir}/chunk-SHARED.mjs`,
      `${dir}/chunk-DEEP.mjs`,
    ]);
  });

  it("is the whole bundle for a bundle without chunks", () => {
    expect(loadedAtStart(metafile, `${dir}/chunk-DEEP.mjs`)).toEqual([
      `${dir}/chunk-DEEP.mjs`,
      `${dir}/chunk-SHARED.mjs`,
    ]);
  });
});

describe("lambdaZip", () => {
  const index = new TextEncoder().encode('import"./chunk-A.mjs";export const handler=()=>1;');
  const chunk = new TextEncoder().encode("export const a=1;");

  it("holds every file given, by name, sorted, byte for byte", () => {
    const files = unzipSync(lambdaZip({ "index.mjs": index, "chunk-A.mjs": chunk }));
    expect(Object.keys(files)).toEqual(["chunk-A.mjs", "index.mjs"]);
    expect(files["index.mjs"]).toEqual(index);
    expect(files["chunk-A.mjs"]).toEqual(chunk);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("is deterministic: the same bytes whatever the order the files are given in, and whenever", () => {
    const first = lambdaZip({ "index.mjs": index, "chunk-A.mjs": chunk });
    // Another day (zip times have a 2 s resolution): a zip stamped with the clock would differ.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2031-06-15T12:34:56Z") });
    expect(lambdaZip({ "chunk-A.mjs": chunk, "index.mjs": index })).toEqual(first);
  });
});

describe("the banner's require", () => {
  it("gives Node's own builtins, and any other module through a real require made on first use", () => {
    const dir = mkdtempSync(join(tmpdir(), "banner-"));
    try {
      writeFileSync(join(dir, "answer.cjs"), "module.exports = { answer: 42 };\n");
      writeFileSync(
        join(dir, "probe.mjs"),
        `${ESM_REQUIRE_BANNER}
import { createRequire } from "node:module";
const node = createRequire(import.meta.url);
const builtins = require("crypto") === node("node:crypto") && require("node:http") === node("node:http");
const loadedBefore = "answer.cjs" in Object.fromEntries(Object.keys(node.cache).map((k) => [k.split("/").pop(), 1]));
console.log(JSON.stringify({ builtins, loadedBefore, answer: require("./answer.cjs").answer }));
let missing = "";
try { require("./nowhere.cjs"); } catch (error) { missing = error.code; }
console.log(JSON.stringify({ missing }));
`,
      );
      const [first, second] = execFileSync(process.execPath, [join(dir, "probe.mjs")], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(first).toEqual({ builtins: true, loadedBefore: false, answer: 42 });
      expect(second).toEqual({ missing: "MODULE_NOT_FOUND" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
