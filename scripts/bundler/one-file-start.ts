/**
 * One file at start for a Lambda function whose init phase awaits nothing: index.mjs is the start chunk
 * itself. esbuild writes an entry that other entries import (every `import()` target's wrapper imports
 * it, ./lazy-entries.ts) as a chunk plus an entry file that re-exports from it: two files that a cold
 * start reads one after the other (COLD-START.md, cut 22). Here the chunk's code becomes index.mjs, with
 * the `handler` export added, and the other chunks import it from there.
 *
 * Only for an entry without a top-level await (./bundle.ts decides): a chunk imported while index.mjs
 * still awaited would wait for index.mjs, which would wait for it. Anything not shaped as expected is
 * left as esbuild wrote it (`undefined`), and the bundler builds the two-file layout instead.
 */
import { basename } from "node:path";
import type * as esbuild from "esbuild";

/** What a build wrote, by absolute path. */
export type Outputs = Map<string, Uint8Array>;

/** A name esbuild gives a binding or an export when it minifies. */
const NAME = "[A-Za-z_$][\\w$]*";

const utf8 = new TextDecoder();
const encode = (text: string) => new TextEncoder().encode(text);

/** The chunk's export list as exported name → local name; undefined unless there is exactly one. */
function exportsOf(code: string): Map<string, string> | undefined {
  const lists = [...code.matchAll(/(?:^|[;}\n])export\{([^}]*)\};/g)];
  if (lists.length !== 1) return undefined;
  const names = new Map<string, string>();
  for (const item of (lists[0]?.[1] ?? "").split(",")) {
    const match = new RegExp(`^(${NAME})(?: as (${NAME}))?$`).exec(item);
    if (!match?.[1]) return undefined;
    names.set(match[2] ?? match[1], match[1]);
  }
  return names;
}

/** The chunk's export that the entry file exports as `handler`, from the two forms esbuild writes. */
function handlerExportIn(entry: string, banner: string, chunk: string): string | undefined {
  if (!entry.startsWith(banner)) return undefined;
  const from = `from"\\./${chunk.replaceAll(".", "\\.")}";`;
  const tail = "\\n//# sourceMappingURL=index\\.mjs\\.map\\n?$";
  const body = entry.slice(banner.length);
  const reExport = new RegExp(`^\\n?export\\{(${NAME}) as handler\\}${from}${tail}`).exec(body);
  if (reExport) return reExport[1];
  const viaImport = new RegExp(
    `^\\n?import\\{(${NAME}) as (${NAME})\\}${from}export\\{(${NAME}) as handler\\};${tail}`,
  ).exec(body);
  return viaImport && viaImport[2] === viaImport[3] ? viaImport[1] : undefined;
}

/**
 * Merges the entry's one start chunk into index.mjs (code, source map and metafile). `entryMeta` is the
 * entry's key in the metafile, `toPath` turns a metafile key into an output path.
 */
export function mergeStartChunk(
  outputs: Outputs,
  metafile: esbuild.Metafile,
  entryMeta: string,
  toPath: (metaPath: string) => string,
  banner: string,
): { outputs: Outputs; metafile: esbuild.Metafile } | undefined {
  const entryOut = metafile.outputs[entryMeta];
  const atStart = entryOut?.imports.filter((i) => i.kind === "import-statement" && !i.external) ?? [];
  const chunkMeta = atStart[0]?.path;
  if (!entryOut || atStart.length !== 1 || !chunkMeta) return undefined;
  const chunkOut = metafile.outputs[chunkMeta];
  const [entryPath, chunkPath] = [toPath(entryMeta), toPath(chunkMeta)];
  const [entryCode, chunkCode, chunkMap] = [
    outputs.get(entryPath),
    outputs.get(chunkPath),
    outputs.get(`${chunkPath}.map`),
  ];
  if (!chunkOut || !entryCode || !chunkCode || !chunkMap) return undefined;
  const chunkName = basename(chunkPath);
  const exported = handlerExportIn(utf8.decode(entryCode), banner, chunkName);
  const code = utf8.decode(chunkCode);
  const names = exportsOf(code);
  const local = exported ? names?.get(exported) : undefined;
  const mapComment = `//# sourceMappingURL=${chunkName}.map`;
  if (!local || names?.has("handler") || !code.trimEnd().endsWith(mapComment)) return undefined;

  // Appended after the code: every line and column the chunk's source map names stays where it was.
  const at = code.lastIndexOf(mapComment);
  const merged = `${code.slice(0, at)}export{${local} as handler};\n//# sourceMappingURL=index.mjs.map\n`;
  const map = JSON.parse(utf8.decode(chunkMap)) as { file?: string };
  if (map.file !== undefined) map.file = "index.mjs";
  // The other chunks import it under its new name, padded so that no column after it moves.
  const oldSpecifier = `"./${chunkName}"`;
  const newSpecifier = '"./index.mjs"';
  const padded = newSpecifier + " ".repeat(oldSpecifier.length - newSpecifier.length);

  const next: Outputs = new Map();
  for (const [path, contents] of outputs) {
    if (
      path === chunkPath ||
      path === `${chunkPath}.map` ||
      path === entryPath ||
      path === `${entryPath}.map`
    )
      continue;
    next.set(
      path,
      path.endsWith(".mjs") ? encode(utf8.decode(contents).replaceAll(oldSpecifier, padded)) : contents,
    );
  }
  next.set(entryPath, encode(merged));
  next.set(`${entryPath}.map`, encode(JSON.stringify(map)));

  const outputsMeta: esbuild.Metafile["outputs"] = {};
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if ([entryMeta, `${entryMeta}.map`, chunkMeta, `${chunkMeta}.map`].includes(path)) continue;
    outputsMeta[path] = {
      ...output,
      imports: output.imports.map((i) => (i.path === chunkMeta ? { ...i, path: entryMeta } : i)),
    };
  }
  outputsMeta[entryMeta] = {
    ...chunkOut,
    ...(entryOut.entryPoint === undefined ? {} : { entryPoint: entryOut.entryPoint }),
    bytes: next.get(entryPath)?.byteLength ?? 0,
    inputs: { ...entryOut.inputs, ...chunkOut.inputs },
    exports: [...chunkOut.exports, "handler"],
  };
  outputsMeta[`${entryMeta}.map`] = {
    bytes: next.get(`${entryPath}.map`)?.byteLength ?? 0,
    inputs: {},
    imports: [],
    exports: [],
  };
  return { outputs: next, metafile: { ...metafile, outputs: outputsMeta } };
}
