/**
 * Reading V8 CPU profiles (`node --cpu-prof`) of the bench's child processes: every sample's stack is
 * mapped through the bundle's source map back to the module it came from (supertokens-node's files,
 * jose, our src/ modules, node internals), so a minified bundle's time can be attributed by package,
 * by module and by phase. Sample timestamps are µs of the same monotonic clock as
 * `process.hrtime()` (checked: a busy loop timed with hrtime lands on the same samples), so the
 * child's own marks (import, first and second request, network requests) split the timeline.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; parent?: number; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code came from, after the source map. */
export interface Origin {
  /** A coarse group: `supertokens-node`, `jose`, `src/session`, `node: http/net`, `(program)`, … */
  group: string;
  /** The module: `supertokens-node/lib/build/querier.js`, `src/session/pipeline.ts`, `node:_http_client`, … */
  module: string;
  /** The function's name as V8 saw it (minified names stay minified). */
  functionName: string;
}

/** One sample: when it was taken (µs, hrtime clock), how long it stands for, and its stack (leaf last). */
export interface Sample {
  at: number;
  weight: number;
  stack: Origin[];
}

const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/;

function groupOfPackage(name: string): string {
  if (name === "supertokens-node" || name === "jose" || name === "valibot") return name;
  if (name.startsWith("@aws-lambda-powertools/") || name === "@aws/lambda-invoke-store") return "powertools";
  return "other packages";
}

function groupOfNodeInternal(url: string): string {
  if (url.includes("deps/undici")) return "node: undici";
  if (url.includes("internal/bootstrap/realm")) return "node: loading builtins";
  if (url.includes("crypto")) return "node: crypto";
  if (url.includes("deps/cjs-module-lexer")) return "node: module loader";
  if (/node:(internal\/)?(_http|http|https|net|dns|tls|stream|internal\/streams|internal\/http)/.test(url))
    return "node: http/net";
  if (url.includes("internal/modules") || url.includes("internal/vm")) return "node: module loader";
  return "node: other";
}

/** Maps frames to origins, one source map per bundle, cached. */
export class Attributor {
  private readonly maps = new Map<string, SourceMap | null>();
  private readonly cache = new Map<string, Origin>();

  private mapFor(url: string): SourceMap | null {
    let map = this.maps.get(url);
    if (map !== undefined) return map;
    map = null;
    try {
      const file = fileURLToPath(url);
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {}
    this.maps.set(url, map);
    return map;
  }

  origin(frame: CallFrame): Origin {
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    let origin = this.cache.get(key);
    if (!origin) {
      origin = this.resolve(frame);
      this.cache.set(key, origin);
    }
    return origin;
  }

  private resolve(frame: CallFrame): Origin {
    const { url, functionName } = frame;
    if (url === "") {
      const special = /^\((program|idle|garbage collector|root)\)$/.test(functionName);
      return { group: special ? functionName : "native", module: functionName || "native", functionName };
    }
    if (url.startsWith("node:")) return { group: groupOfNodeInternal(url), module: url, functionName };
    if (!url.startsWith("file:")) return { group: "other", module: url, functionName };
    const map = this.mapFor(url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
    const source = entry?.originalSource;
    if (!source) {
      const path = fileURLToPath(url);
      const bench = path.includes("/bench/") && !path.includes("/bench/.work/");
      // In a bundle, what no source maps to is esbuild's own runtime: mostly `__commonJS`/`__esm`, whose
      // self time is V8 compiling each wrapped module body the first time it is required.
      return {
        group: bench ? "bench harness" : "esbuild runtime (compiling module bodies)",
        module: path,
        functionName,
      };
    }
    const path = source.startsWith("file:") ? fileURLToPath(source) : source;
    const inPackage = PACKAGE.exec(path);
    if (inPackage) {
      const name = inPackage[1] ?? "";
      return { group: groupOfPackage(name), module: `${name}/${inPackage[2]}`, functionName };
    }
    const ours = /(?:^|\/)((src|functions|bench|scripts\/bundler\/shims)\/.*)$/.exec(path);
    if (ours) {
      const module = ours[1] ?? path;
      const folder = ours[2] === "src" ? module.split("/").slice(0, 2).join("/") : (ours[2] ?? "");
      return { group: folder === "scripts/bundler/shims" ? "shims" : folder, module, functionName };
    }
    return { group: "other", module: path, functionName };
  }
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}

/** Every sample of a profile with its mapped stack; a sample stands for the time until the next one. */
export function samplesOf(profile: CpuProfile, attributor: Attributor): Sample[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<number, Origin[]>();
  const stackOf = (id: number): Origin[] => {
    let stack = stacks.get(id);
    if (stack) return stack;
    const node = byId.get(id);
    const up = parent.get(id);
    const origin = node ? attributor.origin(node.callFrame) : undefined;
    stack = [
      ...(up === undefined ? [] : stackOf(up)),
      ...(origin && origin.group !== "(root)" ? [origin] : []),
    ];
    stacks.set(id, stack);
    return stack;
  };
  const out: Sample[] = [];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const next = at + (profile.timeDeltas[i + 1] ?? 0);
    out.push({ at, weight: Math.max(next - at, 0), stack: stackOf(profile.samples[i] ?? 0) });
  }
  return out;
}

export const leaf = (sample: Sample): Origin | undefined => sample.stack[sample.stack.length - 1];
