// src/edge/ runs on Deno (Netlify Edge Functions) and on Lambda@Edge: web APIs only. Read from its imports.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const EDGE = fileURLToPath(new URL("../../src/edge/", import.meta.url));
const files = readdirSync(EDGE).filter((file) => file.endsWith(".ts"));

describe("src/edge is runtime-neutral", () => {
  it("imports no Node built-in and no package at run time (types only, erased by the build)", () => {
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = readFileSync(join(EDGE, file), "utf8");
      const imports = [...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gm)];
      for (const [, , typeOnly, specifier] of imports) {
        if (specifier!.startsWith("./")) continue;
        expect(typeOnly, `${file} imports ${specifier} at run time`).toBe("type ");
      }
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      expect(code, file).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/);
    }
  });
});
