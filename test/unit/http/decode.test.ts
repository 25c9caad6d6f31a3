// The shared decoding steps every platform ends in.
import { describe, expect, it } from "vitest";
import {
  bodyText,
  cookiesFrom,
  headerPairs,
  method,
  queryFromMaps,
  queryFromString,
  toHeaders,
} from "../../../src/http/decode.ts";
import { BadRequestError } from "../../../src/http/model.ts";

function refusal(work: () => unknown): number | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (error instanceof BadRequestError) return error.status;
    throw error;
  }
}

describe("method", () => {
  it.each(["get", "Post", "PUT", "patch", "DELETE", "head", "OPTIONS"])("accepts %s, upper-cased", (name) => {
    expect(method(name)).toBe(name.toUpperCase());
  });
  it.each<[unknown, number]>([
    ["BREW", 405],
    ["CONNECT", 405],
    ["", 405],
    [undefined, 400],
    [7, 400],
  ])("refuses %s with %i", (value, status) => {
    expect(refusal(() => method(value))).toBe(status);
  });
});

describe("headers", () => {
  it("joins single- and multi-value maps, multi-value winning, names in any case", () => {
    const pairs = headerPairs({ "X-A": "single", "x-b": "b" }, { "x-a": ["m1", "m2"], "X-C": ["c"] });
    const headers = toHeaders(pairs);
    expect(headers.get("x-a")).toBe("m1, m2");
    expect(headers.get("X-B")).toBe("b");
    expect(headers.get("x-c")).toBe("c");
  });

  it.each<[string, () => unknown, number]>([
    ["a value with CR LF", () => toHeaders([["x", "a\r\nb"]]), 400],
    ["a name with a colon", () => toHeaders([["x:y", "a"]]), 400],
    ["a non-string value", () => headerPairs({ x: 1 }, undefined), 400],
    ["a non-list multi value", () => headerPairs(undefined, { x: "a" }), 400],
    ["a non-string multi value", () => headerPairs(undefined, { x: [true] }), 400],
    ["32 KiB of headers", () => toHeaders([["x", "y".repeat(32 * 1024)]]), 431],
  ])("refuses %s", (_, work, status) => {
    expect(refusal(work)).toBe(status);
  });
});

describe("cookiesFrom", () => {
  it("reads several cookies in one header, repeated headers, and cookies[] entries", () => {
    const headers = new Headers();
    headers.append("cookie", "a=1; b=2");
    headers.append("cookie", "c=3");
    expect(cookiesFrom(headers, ["d=4; e=%20x", "a=ignored"])).toEqual({
      a: "1",
      b: "2",
      c: "3",
      d: "4",
      e: " x",
    });
  });

  it("keeps the first value of a repeated name", () => {
    expect(cookiesFrom(new Headers({ cookie: "a=first; a=second" }))).toEqual({ a: "first" });
  });

  it.each<[unknown]>([["a=1"], [[1]], [{}]])("refuses cookies[] of %j", (extra) => {
    expect(refusal(() => cookiesFrom(new Headers(), extra))).toBe(400);
  });
});

describe("bodyText", () => {
  it("answers text as is and base64 decoded", () => {
    expect(bodyText(null, false)).toBe("");
    expect(bodyText("plain ✓", false)).toBe("plain ✓");
    expect(bodyText(Buffer.from("Zoë ✓").toString("base64"), true)).toBe("Zoë ✓");
    expect(bodyText("", true)).toBe("");
  });

  it.each<[string, unknown, unknown, number]>([
    ["invalid base64", "not base64!", true, 400],
    ["base64 with one char too many", "QUJDR", true, 400],
    ["a non-string body", 12, false, 400],
    ["text over 1 MiB", "x".repeat(1024 * 1024 + 1), false, 413],
    ["multi-byte text over 1 MiB", "é".repeat(512 * 1024 + 1), false, 413],
    ["base64 decoding to over 1 MiB", "A".repeat(1.4 * 1024 * 1024), true, 413],
  ])("refuses %s", (_, body, base64, status) => {
    expect(refusal(() => bodyText(body, base64))).toBe(status);
  });
});

describe("query", () => {
  it("keeps repeated keys from a raw query string, decoded", () => {
    expect(queryFromString("a=1&a=2&b=x%20y&c=+")).toEqual({ a: ["1", "2"], b: ["x y"], c: [" "] });
    expect(queryFromString(undefined)).toEqual({});
  });

  it("prefers multi-value maps and decodes ALB's encoded values only when asked", () => {
    expect(queryFromMaps({ a: "2" }, { a: ["1", "2"] })).toEqual({ a: ["1", "2"] });
    expect(queryFromMaps({ "a%20b": "c%26d" }, undefined)).toEqual({ "a%20b": ["c%26d"] });
    expect(queryFromMaps({ "a%20b": "c%26d" }, undefined, true)).toEqual({ "a b": ["c&d"] });
  });

  it.each<[string, () => unknown]>([
    ["a non-string raw query", () => queryFromString(5)],
    ["a non-list multi value", () => queryFromMaps(undefined, { a: "1" })],
    ["a non-string single value", () => queryFromMaps({ a: 1 }, undefined)],
    ["broken percent-encoding", () => queryFromMaps({ a: "%zz" }, undefined, true)],
  ])("refuses %s with 400", (_, work) => {
    expect(refusal(work)).toBe(400);
  });
});
