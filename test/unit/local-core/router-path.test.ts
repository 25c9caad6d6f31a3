import { describe, expect, it } from "vitest";
import { trimTrailingSlashes } from "../../../local-core/router.ts";
import { createRouter } from "../../../local-core/routes.ts";

describe("trimTrailingSlashes", () => {
  it("drops trailing slashes only", () => {
    expect(trimTrailingSlashes("/")).toBe("/");
    expect(trimTrailingSlashes("/recipe/roles/")).toBe("/recipe/roles");
    expect(trimTrailingSlashes("/recipe//roles///")).toBe("/recipe//roles");
  });

  it("is linear: a million slashes before a letter take no time", () => {
    const path = `/a${"/".repeat(1_000_000)}x${"/".repeat(1_000_000)}`;
    const started = performance.now();
    expect(trimTrailingSlashes(path)).toBe(path.slice(0, 1_000_003));
    expect(createRouter().resolve("GET", path).kind).toBe("not-found");
    expect(performance.now() - started).toBeLessThan(500);
  });
});
