// The one-file layout of a Lambda bundle: the start chunk becomes index.mjs, and what is not shaped as
// esbuild writes it is left alone (the bundler then builds two files at start).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { ESM_REQUIRE_BANNER } from "../../scripts/bundler/bundle.ts";
import { mergeStartChunk, type Outputs } from "../../scripts/bundler/one-file-start.ts";

const dir = mkdtempSync(join(tmpdir(), "one-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (code: string) => new TextEncoder().encode(code);
const read = (outputs: Outputs, name: string) => new TextDecoder().decode(outputs.get(join(dir, name)));
const map = (file: string) => text(JSON.stringify({ version: 3, file, sources: [], mappings: "" }));

const ENTRY = `${ESM_REQUIRE_BANNER}\nimport{a as o}from"./chunk-AAAA.mjs";export{o as handler};\n//# sourceMappingURL=index.mjs.map\n`;
const START = `${ESM_REQUIRE_BANNER}\nvar n=41;function h(){return n+1}export{h as a,n as b};\n//# sourceMappingURL=chunk-AAAA.mjs.map\n`;
const LAZY = `${ESM_REQUIRE_BANNER}\nimport{b as q}from"./chunk-AAAA.mjs";export const later=()=>q;\n//# sourceMappingURL=chunk-LAZY.mjs.map\n`;

function build(entry = ENTRY, start = START, extraStart?: string) {
  const outputs: Outputs = new Map([
    [join(dir, "index.mjs"), text(entry)],
    [join(dir, "index.mjs.map"), map("index.mjs")],
    [join(dir, "chunk-AAAA.mjs"), text(start)],
    [join(dir, "chunk-AAAA.mjs.map"), map("chunk-AAAA.mjs")],
    [join(dir, "chunk-LAZY.mjs"), text(LAZY)],
    [join(dir, "chunk-LAZY.mjs.map"), map("chunk-LAZY.mjs")],
  ]);
  const output = (imports: Metafile["outputs"][string]["imports"], bytes = 1) => ({
    bytes,
    inputs: {},
    imports,
    exports: [],
  });
  const metafile: Metafile = {
    inputs: {},
    outputs: {
      "out/index.mjs": output([
        { path: "out/chunk-AAAA.mjs", kind: "import-statement" },
        ...(extraStart ? [{ path: extraStart, kind: "import-statement" as const }] : []),
        { path: "out/chunk-LAZY.mjs", kind: "dynamic-import" },
      ]),
      "out/chunk-AAAA.mjs": output([]),
      "out/chunk-LAZY.mjs": output([{ path: "out/chunk-AAAA.mjs", kind: "import-statement" }], LAZY.length),
    },
  };
  return mergeStartChunk(
    outputs,
    metafile,
    "out/index.mjs",
    (path) => join(dir, path.slice(4)),
    ESM_REQUIRE_BANNER,
  );
}

describe("mergeStartChunk", () => {
  it("makes the start chunk index.mjs, exporting handler, and points the other chunks at it", async () => {
    const merged = build();
    if (!merged) throw new Error("not merged");
    expect([...merged.outputs.keys()].map((path) => path.slice(dir.length + 1)).sort()).toEqual([
      "chunk-LAZY.mjs",
      "chunk-LAZY.mjs.map",
      "index.mjs",
      "index.mjs.map",
    ]);
    const lazy = read(merged.outputs, "chunk-LAZY.mjs");
    expect(lazy).toContain('from"./index.mjs"');
    expect(lazy.length).toBe(LAZY.length);
    expect(JSON.parse(read(merged.outputs, "index.mjs.map")).file).toBe("index.mjs");
    expect(Object.keys(merged.metafile.outputs).sort()).toEqual([
      "out/chunk-LAZY.mjs",
      "out/index.mjs",
      "out/index.mjs.map",
    ]);
    expect(merged.metafile.outputs["out/chunk-LAZY.mjs"]?.imports[0]?.path).toBe("out/index.mjs");
    // And it runs: the handler, and a chunk that imports the start code from index.mjs.
    for (const [path, contents] of merged.outputs) writeFileSync(path, contents);
    const index = await import(pathToFileURL(join(dir, "index.mjs")).href);
    const chunk = await import(pathToFileURL(join(dir, "chunk-LAZY.mjs")).href);
    expect(index.handler()).toBe(42);
    expect(chunk.later()).toBe(41);
  });

  it("leaves a bundle alone that is not shaped as expected", () => {
    // A top-level await in the entry, two chunks at start, a chunk already exporting `handler`.
    const awaiting = ENTRY.replace("export{o as handler};", "await o();export{o as handler};");
    expect(build(awaiting)).toBeUndefined();
    expect(build(ENTRY, START, "out/chunk-LAZY.mjs")).toBeUndefined();
    expect(build(ENTRY, START.replace("n as b", "n as handler"))).toBeUndefined();
    expect(build(ENTRY.replace(ESM_REQUIRE_BANNER, ""))).toBeUndefined();
  });
});
