// Numbers in the docs are written by `npm run bench`, never copied by hand: the performance section (between
// its markers, in a file under docs/) must say what bench/results.md says, and the README holds no measurement.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { END, replaceBetweenMarkers, START } from "../../bench/readme-section.ts";
import { ROOT } from "../../scripts/bundler/functions.ts";

const read = (name: string) => readFileSync(join(ROOT, name), "utf8");
/** Where bench/readme-section.ts writes: top-level Markdown files and docs/*.md. */
const candidates = [
  ...readdirSync(ROOT).filter((name) => name.endsWith(".md")),
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join("docs", name)),
];
const withMarkers = candidates.filter((name) => replaceBetweenMarkers(read(name), "") !== undefined);

/** Every Markdown table in `text`: its header cells and its rows' cells. */
function tables(text: string): { header: string[]; rows: string[][] }[] {
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim());
  const found: { header: string[]; rows: string[][] }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length - 1; i++) {
    if (!lines[i]?.startsWith("|") || !/^\|[\s:|-]+\|$/.test(lines[i + 1]?.trim() ?? "")) continue;
    const table = { header: cells(lines[i] ?? ""), rows: [] as string[][] };
    for (i += 2; lines[i]?.startsWith("|"); i++) table.rows.push(cells(lines[i] ?? ""));
    found.push(table);
  }
  return found;
}

/** A figure that comes from a measurement: a number with a unit of time or size, or a ratio. */
const MEASURED = /(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s?(?:ms|µs|KiB|MiB|KB|MB)\b|×)/g;
/** Any decimal that is not part of a version (`20.20.2`). */
const DECIMAL = /(?<![\w.])(\d+\.\d+)(?![\d.])/g;

describe("the performance section", () => {
  it("lives in docs/ only, where `npm run bench` writes it", () => {
    expect(withMarkers.length).toBeGreaterThan(0);
    for (const name of withMarkers) expect(name.startsWith("docs/"), name).toBe(true);
  });

  for (const name of withMarkers) {
    const results = read("bench/results.md");
    const file = read(name);
    const section = file.slice(file.indexOf(START) + START.length, file.indexOf(END));

    it(`${name}: each verdict cell is the one bench/results.md records for that runtime`, () => {
      // column header (a runtime) → every cell bench/results.md has under it
      const recorded = new Map<string, Set<string>>();
      for (const table of tables(results))
        table.header.forEach((column, index) => {
          const set = recorded.get(column) ?? new Set<string>();
          for (const row of table.rows) set.add(row[index] ?? "");
          recorded.set(column, set);
        });
      const verdicts = tables(section).flatMap((table) =>
        table.rows.flatMap((row) =>
          row.flatMap((cell, index) =>
            /^[✅❌]/.test(cell) ? [{ runtime: table.header[index] ?? "", cell }] : [],
          ),
        ),
      );
      expect(verdicts.length).toBeGreaterThan(0);
      const disagreeing = verdicts.filter(({ runtime, cell }) => !recorded.get(runtime)?.has(cell));
      expect(
        disagreeing,
        "run `npm run bench`: it writes bench/results.md and this section together",
      ).toEqual([]);
    });

    it(`${name}: every measured figure in it appears in bench/results.md`, () => {
      // A limit (`≤ 1.5×`) is a target, not a measurement.
      const text = section.replace(/≤ [\d.]+×/g, "");
      const figures = [...text.matchAll(MEASURED), ...text.matchAll(DECIMAL)].map((match) => match[1] ?? "");
      expect(figures.length).toBeGreaterThan(0);
      // Each figure as a number of its own in bench/results.md (its unit may sit in a column header there).
      const numbers = new Set(results.match(/\d[\d,]*(?:\.\d+)?/g));
      const missing = figures.filter((figure) => !numbers.has(figure));
      expect(missing, "run `npm run bench`: it writes bench/results.md and this section together").toEqual(
        [],
      );
    });
  }

  it("README.md copies no measured figure (the measurements are linked, not copied)", () => {
    expect(read("README.md").match(MEASURED) ?? []).toEqual([]);
  });
});
