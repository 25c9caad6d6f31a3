import type { FunctionResult } from "../scripts/bundler/bundle.ts";

interface Row {
  label: string;
  addedMs: number;
  addedMib: number;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A small hand-written bar chart: added cold-start time, memory and bundle size per process. */
export function coldStartSvg(rows: Row[], naiveBytes: number, ours: FunctionResult[]): string {
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
    `<text x="10" y="22" font-size="15" font-weight="600">Cold start: naive seed bundle vs ours (lower is better)</text>`,
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
