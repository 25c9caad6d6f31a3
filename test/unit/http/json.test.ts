// The one JSON body parser of the functions: empty is undefined, malformed or too deep is a 400.
import { describe, expect, it } from "vitest";
import { parseJson } from "../../../src/http/json.ts";
import { MAX_JSON_DEPTH } from "../../../src/http/limits.ts";
import { BadRequestError } from "../../../src/http/model.ts";

const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

function refusal(text: string): string | undefined {
  try {
    parseJson(text);
    return undefined;
  } catch (error) {
    if (error instanceof BadRequestError && error.status === 400) return error.message;
    throw error;
  }
}

describe("parseJson", () => {
  it("reads an empty body as undefined and JSON as its value", () => {
    expect(parseJson("  ")).toBeUndefined();
    expect(parseJson('{"a":[1,{"b":"}]"}]}')).toEqual({ a: [1, { b: "}]" }] });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, and 6,000 (the audit's body), with a 400`, () => {
    expect(parseJson(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(refusal(nested(MAX_JSON_DEPTH + 1))).toBe(
      `request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
    expect(refusal(`{"metadata":${nested(6000)}}`)).toMatch(/nests deeper/);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ note: `${"[".repeat(500)}\\"${"{".repeat(500)}` });
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it("refuses malformed JSON with a 400", () => {
    expect(refusal("{nope")).toBe("request body is not valid JSON");
  });
});
