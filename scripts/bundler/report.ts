import type { Metafile } from "esbuild";

export interface PackageSize {
  name: string;
  bytes: number;
}

/** `node_modules/<pkg>` (scoped too) or the project folder an input belongs to. */
export function packageOf(input: string): string {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at >= 0) {
    const first = parts[at + 1] ?? "?";
    return first.startsWith("@") ? `${first}/${parts[at + 2]}` : first;
  }
  if (input.includes("scripts/bundler/shims")) return "(shims)";
  return `(${parts.find((part) => part !== "." && part !== "..") ?? input})`;
}

/** Output bytes per package, largest first. */
export function packageSizes(metafile: Metafile, output?: string): PackageSize[] {
  const sizes = new Map<string, number>();
  for (const [path, out] of Object.entries(metafile.outputs)) {
    if (output !== undefined && path !== output) continue;
    if (path.endsWith(".map")) continue;
    for (const [input, info] of Object.entries(out.inputs)) {
      const name = packageOf(input);
      sizes.set(name, (sizes.get(name) ?? 0) + info.bytesInOutput);
    }
  }
  return [...sizes].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

export const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

/** A plain text table with right-aligned numeric columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.every((row) => /^[\d.,%\s/≤-]*$/.test(row[i] ?? "")));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
