import type { FunctionResult } from "../scripts/bundler/bundle.ts";

interface Row {
  label: string;
  addedMs: number;
  addedMib: number;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A small hand-written bar chart: added cold-start time, memory and bundle size per process. */
export function coldStartSvg(
  rows: Row[],
  naiveBytes: number,
  ours: FunctionResult[],
  runtime: string,
): string {
  const size = (label: string) => {
    if (label.startsWith("naive")) return naiveBytes / 1024;
    const name = label.split(" ")[0] ?? "";
    return (ours.find((fn) => fn.name === name)?.lambda.bytes ?? 0) / 1024;
  };
  const metrics = [
    { title: "added cold-start time (ms)", value: (row: Row) => row.addedMs, unit: "ms" },
    { title: "added peak RSS (MiB)", value: (row: Row) => row.addedMib, unit: "MiB" },
    { title: "bundle size (minified KiB)", value: (row: Row) => size(row.label), unit: "KiB" },
  ];
  const colors = ["#9ca3af", "#2563eb", "#16a34a"];
  const width = 720;
  const labelWidth = 250;
  const barMax = width - labelWidth - 90;
  const barHeight = 18;
  const blockHeight = 28 + rows.length * (barHeight + 6);
  const height = 40 + metrics.length * blockHeight + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="600">Cold start on ${escapeXml(runtime)}: naive seed bundle vs ours (lower is better)</text>`,
  ];
  metrics.forEach((metric, m) => {
    const top = 40 + m * blockHeight;
    const max = Math.max(...rows.map(metric.value), 1);
    parts.push(`<text x="10" y="${top + 14}" font-weight="600">${escapeXml(metric.title)}</text>`);
    rows.forEach((row, i) => {
      const y = top + 22 + i * (barHeight + 6);
      const value = Math.max(metric.value(row), 0);
      const w = Math.max((value / max) * barMax, 1);
      parts.push(
        `<text x="10" y="${y + 13}">${escapeXml(row.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${colors[i % colors.length]}"/>`,
        `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 13}">${value.toFixed(value < 10 ? 1 : 0)} ${metric.unit}</text>`,
      );
    });
  });
  parts.push("</svg>", "");
  return parts.join("\n");
}

/** What `phasesSvg` needs of a row of bench/phases.ts. */
export interface PhaseBar {
  contender: { label: string };
  import: number;
  first: number;
  second: number;
  init: { at: "import" | "first request" | "none" };
  importSplit: { init: number; undici: number; import: number };
  firstSplit: Record<"init" | "undici" | "jwks" | "verify" | "core" | "rest", number>;
}

const PHASE_COLORS = {
  import: "#9ca3af",
  init: "#f59e0b",
  undici: "#dc2626",
  jwks: "#2563eb",
  verify: "#16a34a",
  core: "#7c3aed",
  rest: "#0891b2",
} as const;

const PHASE_NAMES: Record<keyof typeof PHASE_COLORS, string> = {
  import: "import",
  init: "SuperTokens init",
  undici: "undici load",
  jwks: "JWKS fetch",
  verify: "verify",
  core: "core calls",
  rest: "rest of 1st request",
};

/**
 * Cold start by phase: one stacked bar per bundle, import then the first answer split into its
 * phases (bench/phases.ts), with a tick where the first request starts and the second answer after.
 */
export function phasesSvg(rows: PhaseBar[], runtime: string): string {
  const width = 960;
  const labelWidth = 300;
  const barMax = width - labelWidth - 190;
  const barHeight = 18;
  const top = 66;
  const height = top + rows.length * (barHeight + 10) + 30;
  const max = Math.max(...rows.map((row) => row.import + row.first), 1);
  const scale = barMax / max;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="600">Cold start by phase on ${escapeXml(runtime)}: import, then the first answer (ms inside the process, lower is better)</text>`,
  ];
  let x = 10;
  for (const [key, color] of Object.entries(PHASE_COLORS)) {
    const name = PHASE_NAMES[key as keyof typeof PHASE_COLORS];
    parts.push(
      `<rect x="${x}" y="36" width="12" height="12" fill="${color}"/>`,
      `<text x="${x + 16}" y="46">${escapeXml(name)}</text>`,
    );
    x += 24 + name.length * 6.4;
  }
  rows.forEach((row, i) => {
    const y = top + i * (barHeight + 10);
    const label = row.contender.label;
    const short = label.length > 44 ? label.replace(/ \(.*\)$/, "").slice(0, 44) : label;
    parts.push(`<text x="10" y="${y + 13}">${escapeXml(short)}<title>${escapeXml(label)}</title></text>`);
    const segments: Array<[keyof typeof PHASE_COLORS, number]> = [
      ["import", row.importSplit.import],
      ["init", row.importSplit.init],
      ["undici", row.importSplit.undici],
      ["init", row.firstSplit.init],
      ["undici", row.firstSplit.undici],
      ["jwks", row.firstSplit.jwks],
      ["verify", row.firstSplit.verify],
      ["core", row.firstSplit.core],
      ["rest", row.firstSplit.rest],
    ];
    let at = labelWidth;
    for (const [key, ms] of segments) {
      const w = Math.max(ms, 0) * scale;
      if (!(w >= 0.2)) continue; // also NaN: no profiled rounds, no split
      parts.push(
        `<rect x="${at.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${PHASE_COLORS[key]}"><title>${escapeXml(`${PHASE_NAMES[key]}: ${ms.toFixed(1)} ms`)}</title></rect>`,
      );
      at += w;
    }
    const split = labelWidth + row.import * scale;
    parts.push(
      `<line x1="${split.toFixed(1)}" y1="${y - 3}" x2="${split.toFixed(1)}" y2="${y + barHeight + 3}" stroke="#111" stroke-width="1.5"/>`,
      `<text x="${(at + 6).toFixed(1)}" y="${y + 13}">${row.import.toFixed(0)} + ${row.first.toFixed(0)} ms (2nd: ${row.second.toFixed(1)})</text>`,
    );
  });
  parts.push(
    `<text x="10" y="${height - 10}" fill="#555">The black tick marks the end of the import; bars after it are the first answer. Init or undici inside the import bar happened while importing.</text>`,
    "</svg>",
    "",
  );
  return parts.join("\n");
}
