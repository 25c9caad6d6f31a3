// The edge gate's quick paths give the answers of the slow ones they skip: the ASCII path of
// base64urlObject (no UTF-8 decoder) and the plain-path shortcut of normalisedPath (no URL parser); and the rules a path falls under.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64urlBytes, base64urlObject } from "../../src/edge/base64url.ts";
import { rulesFor } from "../../src/edge/gate.ts";
import { normalisedPath, parsedPath } from "../../src/edge/path.ts";
import { gateSettings } from "../../src/edge/settings.ts";

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

describe("normalisedPath", () => {
  it("reads a plain path as the URL parser does, without it", () => {
    const piece = fc.constantFrom(
      "/",
      "//",
      "\\",
      ".",
      "..",
      "%2e",
      "%2F",
      "%3F",
      "%23",
      "%",
      "admin",
      "Admin",
      "team",
      "a",
      "_",
      "~",
      "-",
      "9",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const path = `/${pieces.join("")}`;
        expect(normalisedPath(path), path).toBe(parsedPath(path));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it("keeps an escaped ? or # in the path, so it cannot cut the path short", () => {
    expect(parsedPath("/%3F/../admin/secret")).toBe("/admin/secret");
    expect(parsedPath("/%23/../admin/x")).toBe("/admin/x");
  });
});

describe("rulesFor", () => {
  const rules = gateSettings(
    (name) => ({ EDGE_GATE_RULES: "/admin/=admin;/Admin/Billing/=billing;/Café/=cafe" })[name as string],
  ).rules;
  const roles = (path: string) => rulesFor(path, rules).map((rule) => rule.role);

  it("finds every rule a path falls under, however it is spelled", () => {
    expect(roles("/admin")).toEqual(["admin"]);
    expect(roles("/ADMIN/x")).toEqual(["admin"]);
    expect(roles("//admin/")).toEqual(["admin"]);
    expect(roles("/a/../admin/")).toEqual(["admin"]);
    expect(roles("/%3F/../admin/secret")).toEqual(["admin"]);
    expect(roles("/adminx")).toEqual([]);
    expect(roles("/")).toEqual([]);
  });

  it("applies a nested rule on top of the one around it", () => {
    expect(roles("/admin/billing/x")).toEqual(["admin", "billing"]);
  });

  it("matches a prefix outside ASCII as a browser sends it", () => {
    expect(roles("/caf%C3%A9/menu")).toEqual(["cafe"]);
    expect(roles("/café/menu")).toEqual(["cafe"]);
  });

  it("puts a path that does not decode under every rule", () => {
    expect(roles("/paid/%ZZ")).toEqual(["admin", "billing", "cafe"]);
  });
});

describe("the gate's settings refuse what would let a request past", () => {
  const settings = (values: Record<string, string>) => () => gateSettings((name) => values[name]);

  it("keys over plain http only from a loopback host", () => {
    expect(settings({ API_DOMAIN: "http://api.example.com" })).toThrow(/https URL/);
    expect(settings({ API_DOMAIN: "http://127.0.0.1:3000" })()).toMatchObject({
      keySetUrl: "http://127.0.0.1:3000/auth/jwt/jwks.json",
    });
  });

  it("redirects only to a path of this site", () => {
    for (const path of ["//evil.example", "/\\evil.example", "https://evil.example", "/sign-in?next=x"])
      expect(settings({ EDGE_SIGN_IN_PATH: path }), path).toThrow(/a path on this site/);
  });
});
