// What a Lambda cold start loads, laid out after the build: the start chunk as index.mjs, or index.mjs
// awaiting the init phase in front of it; any other shape of esbuild's output is an error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { ESM_REQUIRE_BANNER } from "../../scripts/bundler/bundle.ts";
import { INIT_PHASE_EXPORT, layoutStart, type Outputs } from "../../scripts/bundler/start-layout.ts";

const root = mkdtempSync(join(tmpdir(), "start-layout-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (code: string) => new TextEncoder().encode(code);
const map = (file: string) => text(JSON.stringify({ version: 3, file, sources: [], mappings: "" }));

const ENTRY = `${ESM_REQUIRE_BANNER}\nimport{a as o,c as p}from"./chunk-AAAA.mjs";export{o as handler,p as ${INIT_PHASE_EXPORT}};\n//# sourceMappingURL=index.mjs.map\n`;
// The start chunk: the handler, and an init phase that a chunk imported during it would deadlock.
const START = `${ESM_REQUIRE_BANNER}\nvar n=41;globalThis.order=[];function h(){return n+1}async function w(){globalThis.order.push("init");await import("./chunk-LAZY.mjs");globalThis.order.push("awaited")}export{h as a,n as b,w as c};\n//# sourceMappingURL=chunk-AAAA.mjs.map\n`;
const LAZY = `${ESM_REQUIRE_BANNER}\nimport{b as q}from"./chunk-AAAA.mjs";globalThis.order.push("lazy");export const later=()=>q;\n//# sourceMappingURL=chunk-LAZY.mjs.map\n`;

let builds = 0;
/** esbuild's output as written to a fresh folder, and its layout (or the error it throws). */
function layOut(awaitInitPhase: boolean, entry = ENTRY, start = START, extraStart = false) {
  const dir = join(root, String(builds++));
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
        ...(extraStart ? [{ path: "out/chunk-LAZY.mjs", kind: "import-statement" as const }] : []),
      ]),
      "out/chunk-AAAA.mjs": output([{ path: "out/chunk-LAZY.mjs", kind: "dynamic-import" }]),
      "out/chunk-LAZY.mjs": output([{ path: "out/chunk-AAAA.mjs", kind: "import-statement" }], LAZY.length),
    },
  };
  const laid = layoutStart(
    { outputs, metafile },
    "out/index.mjs",
    (path) => join(dir, path.slice(4)),
    ESM_REQUIRE_BANNER,
    awaitInitPhase,
  );
  return { dir, ...laid };
}

const names = (dir: string, outputs: Outputs) =>
  [...outputs.keys()].map((path) => path.slice(dir.length + 1)).sort();
const read = (outputs: Outputs, path: string) => new TextDecoder().decode(outputs.get(path));

async function run(dir: string, outputs: Outputs) {
  mkdirSync(dir, { recursive: true });
  for (const [path, contents] of outputs) writeFileSync(path, contents);
  const index = await import(pathToFileURL(join(dir, "index.mjs")).href);
  const chunk = await import(pathToFileURL(join(dir, "chunk-LAZY.mjs")).href);
  return {
    handler: index.handler(),
    later: chunk.later(),
    order: [...((globalThis as { order?: string[] }).order ?? [])],
  };
}

describe("layoutStart", () => {
  it("without init-phase work: the start chunk is index.mjs, exporting handler; the other chunks import it", async () => {
    const { dir, outputs, metafile } = layOut(false);
    expect(names(dir, outputs)).toEqual([
      "chunk-LAZY.mjs",
      "chunk-LAZY.mjs.map",
      "index.mjs",
      "index.mjs.map",
    ]);
    const lazy = read(outputs, join(dir, "chunk-LAZY.mjs"));
    expect(lazy).toContain('from"./index.mjs"');
    expect(lazy.length).toBe(LAZY.length);
    expect(JSON.parse(read(outputs, join(dir, "index.mjs.map"))).file).toBe("index.mjs");
    expect(Object.keys(metafile.outputs).sort()).toEqual([
      "out/chunk-LAZY.mjs",
      "out/index.mjs",
      "out/index.mjs.map",
    ]);
    expect(metafile.outputs["out/chunk-LAZY.mjs"]?.imports[0]?.path).toBe("out/index.mjs");
    // It runs, and nothing awaited the init phase.
    expect(await run(dir, outputs)).toEqual({ handler: 42, later: 41, order: ["lazy"] });
  });

  it("with init-phase work: index.mjs awaits it in front of the start chunk, and a chunk it imports loads", async () => {
    const { dir, outputs, metafile } = layOut(true);
    expect(names(dir, outputs)).toEqual([
      "chunk-AAAA.mjs",
      "chunk-AAAA.mjs.map",
      "chunk-LAZY.mjs",
      "chunk-LAZY.mjs.map",
      "index.mjs",
      "index.mjs.map",
    ]);
    expect(read(outputs, join(dir, "chunk-LAZY.mjs"))).toBe(LAZY);
    expect(metafile.outputs["out/index.mjs"]?.exports).toEqual(["handler"]);
    // The init phase imported the lazy chunk before index.mjs finished loading: no deadlock.
    expect(await run(dir, outputs)).toEqual({ handler: 42, later: 41, order: ["init", "lazy", "awaited"] });
  });

  it("an index.mjs that shares nothing with a chunk holds the whole start, and awaits the init phase itself", async () => {
    const whole = `${ESM_REQUIRE_BANNER}\nvar n=41;globalThis.order=[];function h(){return n+1}async function w(){globalThis.order.push("init")}export{h as handler,w as ${INIT_PHASE_EXPORT}};\n//# sourceMappingURL=index.mjs.map\n`;
    for (const awaitInitPhase of [false, true]) {
      const dir = join(root, String(builds++));
      const outputs: Outputs = new Map([
        [join(dir, "index.mjs"), text(whole)],
        [join(dir, "index.mjs.map"), map("index.mjs")],
      ]);
      const metafile: Metafile = {
        inputs: {},
        outputs: { "out/index.mjs": { bytes: whole.length, inputs: {}, imports: [], exports: [] } },
      };
      const laid = layoutStart(
        { outputs, metafile },
        "out/index.mjs",
        (path) => join(dir, path.slice(4)),
        ESM_REQUIRE_BANNER,
        awaitInitPhase,
      );
      mkdirSync(dir, { recursive: true });
      for (const [path, contents] of laid.outputs) writeFileSync(path, contents);
      const index = await import(pathToFileURL(join(dir, "index.mjs")).href);
      expect(index.handler()).toBe(42);
      expect((globalThis as { order?: string[] }).order).toEqual(awaitInitPhase ? ["init"] : []);
      expect(laid.metafile.outputs["out/index.mjs"]?.bytes).toBe(
        laid.outputs.get(join(dir, "index.mjs"))?.byteLength,
      );
    }
  });

  it("refuses an output of any other shape", () => {
    // Two chunks at start, an entry that re-exports no init phase, one not starting with the banner, a
    // start chunk already exporting `handler`.
    expect(() => layOut(false, ENTRY, START, true)).toThrow(/2 chunks imported at start/);
    expect(() => layOut(true, ENTRY.replace(`,p as ${INIT_PHASE_EXPORT}`, ""))).toThrow(/only re-export/);
    expect(() => layOut(false, ENTRY.replace(ESM_REQUIRE_BANNER, ""))).toThrow(/only re-export/);
    expect(() => layOut(false, ENTRY, START.replace("n as b", "n as handler"))).toThrow(
      /start chunk's exports/,
    );
  });
});
