// The layers of src/, read from the imports themselves: an import only ever points down.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");

/** Each layer of src/ and the layers it may import from (besides itself); top to bottom. */
const MAY_IMPORT: Record<string, string[]> = {
  // The public API a function file imports: it re-exports from the layers.
  "index.ts": ["session", "http", "config"],
  handlers: ["email", "session", "roles", "core-client", "observability", "http", "config"],
  // Emails the auth recipes send (outbox, SMTP) and the email-verified guard of other functions.
  email: ["session", "roles", "http", "config"],
  // The edge layer's token reading (base64url, Bearer) is the one decoder every verifier uses.
  session: ["roles", "core-client", "observability", "edge", "http", "config"],
  // Roles read from the core through the core client (no supertokens-node on the read path).
  roles: ["core-client", "observability", "edge", "config"],
  // The key-cache policy is the edge gate's (src/edge/key-policy.ts): one policy for both verifiers.
  "core-client": ["edge", "observability", "http", "config"],
  // Logs and metrics: what every layer above reports through.
  observability: ["http", "config"],
  http: [],
  // The edge gate: web APIs only (Netlify Edge Functions, Lambda@Edge), nothing from the layers above.
  edge: [],
  config: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative module specifiers of every static import, export-from and dynamic import. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)];
  return specifiers.map((match) => match[1]!);
}

/** The layer a path under src/ belongs to: its first folder, or the file itself at the root. */
const layerOf = (path: string) => relative(SRC, path).split("/")[0]!;

const imports = sourceFiles(SRC).flatMap((file) =>
  relativeImports(file).map((specifier) => ({
    file: relative(ROOT, file),
    from: layerOf(file),
    target: resolve(dirname(file), specifier),
  })),
);

describe("src/ layers", () => {
  it("reads the imports of every file (so the rules below are about something)", () => {
    expect(imports.length).toBeGreaterThan(40);
    expect(new Set(imports.map((entry) => entry.from))).toEqual(new Set(Object.keys(MAY_IMPORT)));
  });

  it("src/http imports nothing outside src/http", () => {
    const outside = imports.filter(
      (entry) => entry.from === "http" && !entry.target.startsWith(join(SRC, "http")),
    );
    expect(outside.map((entry) => `${entry.file} → ${relative(ROOT, entry.target)}`)).toEqual([]);
  });

  it("every import points to its own layer or one below it", () => {
    const upward = imports.filter((entry) => {
      if (!entry.target.startsWith(`${SRC}/`)) return entry.target !== join(ROOT, "roles.json");
      const to = layerOf(entry.target);
      return to !== entry.from && !MAY_IMPORT[entry.from]?.includes(to);
    });
    expect(upward.map((entry) => `${entry.file} → ${relative(ROOT, entry.target)}`)).toEqual([]);
  });

  it("nothing in src/ imports the local core, scripts or tests (roles.json, the role catalog, is data)", () => {
    const tools = imports.filter(
      (entry) => !entry.target.startsWith(`${SRC}/`) && entry.target !== join(ROOT, "roles.json"),
    );
    expect(tools.map((entry) => `${entry.file} → ${relative(ROOT, entry.target)}`)).toEqual([]);
  });
});
