// The README is a front door, short enough to read; the reference lives in docs/. Every relative link in
// them reaches a file of the repository, a `#heading` reaches a heading of that file, and the configuration
// page names every variable the configuration module reads.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/bundler/functions.ts";

const PAGES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join("docs", name)),
];
const read = (name: string) => readFileSync(join(ROOT, name), "utf8");
/** The text outside fenced code blocks. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "");

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
const anchorsOf = (name: string) =>
  new Set([...prose(read(name)).matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? "")));

describe("README and docs/", () => {
  it("README.md is a front door: at most 450 lines", () => {
    expect(read("README.md").split("\n").length).toBeLessThanOrEqual(450);
  });

  it("keeps the quick start's two commands", () => {
    const readme = read("README.md");
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });

  it("docs/ holds the reference", () => {
    expect(PAGES.length).toBeGreaterThan(1);
  });

  for (const page of PAGES) {
    it(`${page}: every relative link reaches a file, and its #heading a heading there`, () => {
      const links = [...prose(read(page)).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
        .map((match) => match[1] ?? "")
        .filter((target) => !/^[a-z]+:/i.test(target));
      const broken = links.filter((target) => {
        const [path = "", anchor] = target.split("#");
        const file = path ? relative(ROOT, join(ROOT, dirname(page), path)) : page;
        if (file.startsWith("..") || !existsSync(join(ROOT, file))) return true;
        return anchor !== undefined && file.endsWith(".md") && !anchorsOf(file).has(anchor);
      });
      expect(broken).toEqual([]);
    });
  }

  it("docs/configuration.md names every environment variable src/config/ reads", () => {
    // A schema's entries (`NAME: v.optional(…)`) and direct reads (`env.NAME`), in every file of src/config/.
    const sources = readdirSync(join(ROOT, "src/config")).map((file) => read(`src/config/${file}`));
    const variables = sources.flatMap((text) =>
      [...text.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):|\benv\.([A-Z][A-Z0-9_]{2,})\b/gm)].map(
        (m) => m[1] ?? m[2] ?? "",
      ),
    );
    expect(variables.length).toBeGreaterThan(0);
    const page = read("docs/configuration.md");
    expect([...new Set(variables)].filter((name) => !page.includes(`\`${name}\``))).toEqual([]);
  });
});
