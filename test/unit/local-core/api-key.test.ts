import { describe, expect, it } from "vitest";
import { apiKeyMatches } from "../../../local-core/api-key.ts";

describe("apiKeyMatches", () => {
  const keys = ["first-key-0123456789ab", "second-key-0123456789a"];

  it("accepts any configured key (trimmed, as the real core does) and nothing else", () => {
    expect(apiKeyMatches(keys, "first-key-0123456789ab")).toBe(true);
    expect(apiKeyMatches(keys, " second-key-0123456789a ")).toBe(true);
    for (const header of [
      undefined,
      "",
      "first-key-0123456789a",
      "first-key-0123456789abc",
      ["first-key-0123456789ab"],
    ])
      expect(apiKeyMatches(keys, header), String(header)).toBe(false);
  });

  it("lets everything through when no key is configured", () => {
    expect(apiKeyMatches([], undefined)).toBe(true);
  });
});
