// The edge gate's quick paths give the answers of the slow ones they skip: the ASCII path of
// base64urlObject (no UTF-8 decoder) and the plain-path shortcut of ruleFor (no URL parser).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64urlBytes, base64urlObject } from "../../src/edge/base64url.ts";
import { parsedPath, ruleFor } from "../../src/edge/gate.ts";

const SEED = 0x0ed9_e5ed;
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/** What a strict UTF-8 reading of the bytes and JSON.parse make of them: an object, or undefined. */
function reference(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

describe("base64url decoding", () => {
  it("reads ASCII and non-ASCII JSON objects as a strict UTF-8 decoder does", () => {
    expect(base64urlObject(b64('{"sub":"u1","exp":1}'))).toEqual({ sub: "u1", exp: 1 });
    expect(base64urlObject(b64('{"name":"Zoë 👩‍💻"}'))).toEqual({ name: "Zoë 👩‍💻" });
    fc.assert(
      fc.property(fc.json(), (json) => {
        const bytes = new TextEncoder().encode(json);
        expect(base64urlObject(b64(bytes))).toEqual(reference(bytes));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("refuses bytes that are not UTF-8, and text that is not base64url", () => {
    expect(
      base64urlObject(b64(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))),
    ).toBe(undefined);
    expect(base64urlObject(b64('["a"]'))).toBe(undefined);
    for (const text of ["e30=", "e3 0", "e30+", "e30/", "e"]) expect(base64urlObject(text)).toBe(undefined);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(base64urlObject(b64(bytes))).toEqual(reference(bytes));
        expect(base64urlBytes(b64(bytes))).toEqual(new Uint8Array(bytes));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("ruleFor", () => {
  const rules = [
    { prefix: "/admin/", role: "admin" },
    { prefix: "/Team/Ops/", role: "ops" },
  ];
  const expected = (path: string) => {
    const normal = parsedPath(path);
    if (normal === undefined) return rules[0];
    return rules.find(
      ({ prefix }) => normal.startsWith(prefix.toLowerCase()) || `${normal}/` === prefix.toLowerCase(),
    );
  };

  it("finds the rule the URL parser's reading of the path falls under, plain path or not", () => {
    for (const path of [
      "/admin",
      "/admin/",
      "/ADMIN/x",
      "/team/ops",
      "/adminx",
      "/",
      "/a/../admin/",
      "//admin/",
    ])
      expect(ruleFor(path, rules), path).toBe(expected(path));
    const piece = fc.constantFrom(
      "/",
      "//",
      "\\",
      ".",
      "..",
      "%2e",
      "%2F",
      "%",
      "admin",
      "Admin",
      "team",
      "ops",
      "a",
      "_",
      "~",
      "-",
      "9",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const path = `/${pieces.join("")}`;
        expect(ruleFor(path, rules), path).toBe(expected(path));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
