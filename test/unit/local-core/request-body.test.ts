import { describe, expect, it } from "vitest";
import {
  isJsonContentType,
  jsonDepth,
  MAX_JSON_DEPTH,
  parseJsonBody,
} from "../../../local-core/request-body.ts";

describe("jsonDepth", () => {
  it("counts objects and arrays, not brackets inside strings or escaped quotes", () => {
    expect(jsonDepth("1", 64)).toBe(0);
    expect(jsonDepth('{"a":[{"b":1}]}', 64)).toBe(3);
    expect(jsonDepth('{"a":"[[[{{{","b":"\\"[[["}', 64)).toBe(1);
    expect(jsonDepth("[{},{},[[]]]", 64)).toBe(3);
  });

  it("stops counting past the limit", () => {
    expect(jsonDepth("[".repeat(1_000_000), 64)).toBe(65);
  });
});

describe("parseJsonBody", () => {
  it("parses up to the depth limit and refuses one level more with a 400", () => {
    const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1))).toThrow(
      expect.objectContaining({ status: 400, message: "JSON input is nested deeper than 64 levels" }),
    );
    expect(() => parseJsonBody("{nope")).toThrow(expect.objectContaining({ status: 400 }));
    expect(parseJsonBody("  ")).toBeUndefined();
  });
});

describe("isJsonContentType", () => {
  it("accepts application/json with parameters, in any case, and nothing else", () => {
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      " Application/JSON ;charset=UTF-8",
    ])
      expect(isJsonContentType(type), type).toBe(true);
    for (const type of [
      undefined,
      "",
      "text/plain",
      "application/jsonp",
      "application/x-www-form-urlencoded",
      "text/json",
    ])
      expect(isJsonContentType(type), String(type)).toBe(false);
  });
});
