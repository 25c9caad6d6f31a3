// SuperTokens init: once per process; the same call again is harmless, a different one is an error.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { emailPasswordRecipe } from "../../src/handlers/auth-recipes.ts";
import { initSuperTokens, startSuperTokens } from "../../src/session/supertokens.ts";

describe("initSuperTokens", () => {
  const config = loadConfig({ SUPERTOKENS_CONNECTION_URI: "http://127.0.0.1:1" });

  it("initialises once; the same config and recipes again change nothing", () => {
    expect(initSuperTokens(config, [emailPasswordRecipe(config)])).toBe(config);
    expect(initSuperTokens(config, [emailPasswordRecipe(config)])).toBe(config);
    expect(startSuperTokens()).toBe(config);
  });

  it("throws one clear error for a second init with another recipe list", () => {
    expect(() => initSuperTokens(config)).toThrow(
      /already initialised with recipes \[emailpassword\]; a second init asked for \[\]/,
    );
  });

  it("throws for a second init with another config", () => {
    const other = loadConfig({ SUPERTOKENS_CONNECTION_URI: "http://127.0.0.1:2" });
    expect(() => initSuperTokens(other, [emailPasswordRecipe(other)])).toThrow(/already initialised/);
  });
});
