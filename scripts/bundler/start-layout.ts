/**
 * What a Lambda cold start loads, decided after the build: index.mjs alone, or index.mjs awaiting the
 * init phase and one chunk (COLD-START.md, cut 22).
 *
 * Every `import()` target's wrapper imports the bundle's entry (./lazy-entries.ts), so esbuild writes
 * everything loaded at start into one chunk and an index.mjs that only re-exports the entry's `handler`
 * and `initPhaseDone` from it: two files that a cold start reads one after the other.
 * - A bundle whose init phase awaits nothing (no supertokens-node at start): the chunk's code becomes
 *   index.mjs, with the `handler` export added, and the other chunks import it from there.
 * - A bundle whose init phase starts SuperTokens: index.mjs awaits `initPhaseDone()` at its top level.
 *   Only there: a chunk imported during that await waits for the module holding it, and the chunks
 *   import the start chunk, never index.mjs.
 * An output shaped otherwise is an error: a bundle is never shipped half laid out.
 */
import { basename } from "node:path";
import type * as esbuild from "esbuild";

/** What a build wrote, by absolute path. */
export type Outputs = Map<string, Uint8Array>;

/** The name under which the virtual entry exports the init phase's wait (./bundle.ts). */
export const INIT_PHASE_EXPORT = "__sessionRolesInitPhaseDone";

/** A name esbuild gives a binding or an export when it minifies. */
const NAME = "[A-Za-z_$][\\w$]*";
const ITEM = new RegExp(`^(${NAME})(?: as (${NAME}))?$`);

const utf8 = new TextDecoder();
/** `text` as a regular expression that matches it literally. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const encode = (text: string) => new TextEncoder().encode(text);

/** `a as b,c` → exported name → local name; undefined for anything else. */
function listOf(list: string): Map<string, string> | undefined {
  const names = new Map<string, string>();
  for (const item of list.split(",")) {
    const match = ITEM.exec(item);
    if (!match?.[1]) return undefined;
    names.set(match[2] ?? match[1], match[1]);
  }
  return names;
}

/** A module's one export list (exported name → local name); undefined unless there is exactly one. */
function exportsOf(code: string): Map<string, string> | undefined {
  const lists = [...code.matchAll(/(?:^|[;}\n])export\{([^}]*)\};/g)];
  return lists.length === 1 ? listOf(lists[0]?.[1] ?? "") : undefined;
}

/**
 * What an entry that only re-exports from `chunk` exports: exported name → the chunk's export name.
 * esbuild writes `export{…}from"./chunk";` or `import{…}from"./chunk";export{…};`.
 */
function reExportsOf(entry: string, banner: string, chunk: string): Map<string, string> | undefined {
  const tail = "\n//# sourceMappingURL=index.mjs.map\n";
  if (!entry.startsWith(banner) || !`${entry}\n`.includes(tail)) return undefined;
  const body = entry.slice(banner.length, entry.lastIndexOf(tail.trimEnd())).trim();
  const from = `from"./${chunk}";`;
  const direct = new RegExp(`^export\\{([^}]*)\\}${literally(from)}$`).exec(body);
  if (direct) return listOf(direct[1] ?? "");
  const viaImport = new RegExp(`^import\\{([^}]*)\\}${literally(from)}export\\{([^}]*)\\};$`).exec(body);
  const imported = listOf(viaImport?.[1] ?? "");
  const exported = listOf(viaImport?.[2] ?? "");
  if (!imported || !exported) return undefined;
  const names = new Map<string, string>();
  for (const [name, local] of exported) {
    const fromChunk = imported.get(local);
    if (!fromChunk) return undefined;
    names.set(name, fromChunk);
  }
  return names;
}

const mapComment = (file: string) => `//# sourceMappingURL=${file}.map`;

/** `code` with `text` inserted before its closing source-map comment: no mapped column moves. */
function beforeMapComment(code: string, file: string, text: string, renamed = file): string | undefined {
  const comment = mapComment(file);
  if (!code.trimEnd().endsWith(comment)) return undefined;
  return `${code.slice(0, code.lastIndexOf(comment))}${text}\n${mapComment(renamed)}\n`;
}

class LayoutError extends Error {
  constructor(entry: string, what: string) {
    super(`${entry}: esbuild's output is not the shape scripts/bundler/start-layout.ts lays out (${what})`);
  }
}

/** An index.mjs that holds the whole start, with `await initPhaseDone()` added after its code. */
function awaitingItself(
  built: { outputs: Outputs; metafile: esbuild.Metafile },
  entryMeta: string,
  entryPath: string,
  entryCode: Uint8Array,
): { outputs: Outputs; metafile: esbuild.Metafile } {
  const code = utf8.decode(entryCode);
  const local = exportsOf(code)?.get(INIT_PHASE_EXPORT);
  const awaiting = local && beforeMapComment(code, "index.mjs", `await ${local}();`);
  const entryOut = built.metafile.outputs[entryMeta];
  if (!awaiting || !entryOut) throw new LayoutError(entryPath, `index.mjs exports no ${INIT_PHASE_EXPORT}`);
  const bytes = encode(awaiting);
  return {
    outputs: new Map(built.outputs).set(entryPath, bytes),
    metafile: {
      ...built.metafile,
      outputs: { ...built.metafile.outputs, [entryMeta]: { ...entryOut, bytes: bytes.byteLength } },
    },
  };
}

/**
 * Lays out the files a cold start loads (code, source maps and metafile). `entryMeta` is the entry's key
 * in the metafile, `toPath` turns a metafile key into an output path, `awaitInitPhase` says whether the
 * init phase has work to wait for.
 */
export function layoutStart(
  built: { outputs: Outputs; metafile: esbuild.Metafile },
  entryMeta: string,
  toPath: (metaPath: string) => string,
  banner: string,
  awaitInitPhase: boolean,
): { outputs: Outputs; metafile: esbuild.Metafile } {
  const { outputs, metafile } = built;
  const entryOut = metafile.outputs[entryMeta];
  const entryPath = toPath(entryMeta);
  const entryCode = outputs.get(entryPath);
  if (!entryOut || !entryCode) throw new LayoutError(entryPath, "no entry");
  const atStart = entryOut.imports.filter((i) => i.kind === "import-statement" && !i.external);
  // Nothing shared with an `import()` target: index.mjs already holds the whole start, and no chunk
  // imports it, so it may await the init phase itself.
  if (atStart.length === 0)
    return awaitInitPhase ? awaitingItself(built, entryMeta, entryPath, entryCode) : built;
  const chunkMeta = atStart[0]?.path;
  const chunkOut = chunkMeta === undefined ? undefined : metafile.outputs[chunkMeta];
  if (atStart.length !== 1 || chunkMeta === undefined || !chunkOut)
    throw new LayoutError(entryPath, `${atStart.length} chunks imported at start, not 1`);
  const chunkPath = toPath(chunkMeta);
  const chunkName = basename(chunkPath);
  const chunkCode = outputs.get(chunkPath);
  const chunkMap = outputs.get(`${chunkPath}.map`);
  const reExported = reExportsOf(utf8.decode(entryCode), banner, chunkName);
  const handler = reExported?.get("handler");
  const initPhase = reExported?.get(INIT_PHASE_EXPORT);
  if (!chunkCode || !chunkMap || !handler || !initPhase)
    throw new LayoutError(entryPath, `index.mjs does not only re-export handler and ${INIT_PHASE_EXPORT}`);

  const next: Outputs = new Map(outputs);
  const outputsMeta: esbuild.Metafile["outputs"] = { ...metafile.outputs };
  const setFile = (
    path: string,
    metaPath: string,
    code: string,
    meta: Partial<esbuild.Metafile["outputs"][string]>,
  ) => {
    const bytes = encode(code);
    next.set(path, bytes);
    outputsMeta[metaPath] = { inputs: {}, imports: [], exports: [], ...meta, bytes: bytes.byteLength };
  };
  if (awaitInitPhase) {
    const code = `${banner}\nimport{${handler} as h,${initPhase} as i}from"./${chunkName}";await i();export{h as handler};\n${mapComment("index.mjs")}\n`;
    setFile(entryPath, entryMeta, code, { ...entryOut, exports: ["handler"] });
    // Two lines of our own, mapped to nothing.
    const map = JSON.stringify({ version: 3, file: "index.mjs", sources: [], names: [], mappings: "" });
    setFile(`${entryPath}.map`, `${entryMeta}.map`, map, {});
    return { outputs: next, metafile: { ...metafile, outputs: outputsMeta } };
  }

  const chunk = utf8.decode(chunkCode);
  const chunkExports = exportsOf(chunk);
  const local = chunkExports?.has("handler") ? undefined : chunkExports?.get(handler);
  const merged = local && beforeMapComment(chunk, chunkName, `export{${local} as handler};`, "index.mjs");
  if (!merged) throw new LayoutError(entryPath, `the start chunk's exports or source-map comment`);
  for (const path of [chunkPath, `${chunkPath}.map`]) next.delete(path);
  for (const path of [chunkMeta, `${chunkMeta}.map`]) delete outputsMeta[path];
  // The other chunks import it under its new name, padded so that no column after it moves.
  const oldSpecifier = `"./${chunkName}"`;
  const newSpecifier = '"./index.mjs"'.padEnd(oldSpecifier.length, " ");
  for (const [path, contents] of next)
    if (path.endsWith(".mjs") && path !== entryPath)
      next.set(path, encode(utf8.decode(contents).replaceAll(oldSpecifier, newSpecifier)));
  for (const [path, output] of Object.entries(outputsMeta))
    outputsMeta[path] = {
      ...output,
      imports: output.imports.map((i) => (i.path === chunkMeta ? { ...i, path: entryMeta } : i)),
    };
  setFile(entryPath, entryMeta, merged, {
    ...chunkOut,
    ...(entryOut.entryPoint === undefined ? {} : { entryPoint: entryOut.entryPoint }),
    inputs: { ...entryOut.inputs, ...chunkOut.inputs },
    exports: [...chunkOut.exports, "handler"],
  });
  const map = JSON.parse(utf8.decode(chunkMap)) as { file?: string };
  if (map.file !== undefined) map.file = "index.mjs";
  setFile(`${entryPath}.map`, `${entryMeta}.map`, JSON.stringify(map), {});
  return { outputs: next, metafile: { ...metafile, outputs: outputsMeta } };
}
