// The upgrade contract: everything session-roles relies on in supertokens-node beyond its documented
// API, each checked against the real package (and the bundles built from it). A supertokens-node
// upgrade that breaks one of them fails here, by name, before any user sees it.
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunctions, type FunctionResult } from "../../scripts/bundler/bundle.ts";
import { rolePayload } from "../../src/roles/token-write.ts";
import { CollectingResponse } from "../../src/session/collecting-response.ts";
import { LightSession } from "../../src/session/light-session.ts";
import {
  RECIPES_WITHOUT_GLOBAL_CLAIMS,
  superTokensNodeLoaded,
} from "../../src/session/supertokens-lifecycle.ts";
import { initSuperTokens, withLocalCore } from "../helpers/core.ts";

const require = createRequire(import.meta.url);
const core = withLocalCore();

/** What each kind of bundle must have had done to it; each trick is explained in bench/TRICKS.md. */
const EVERY_BUNDLE = [
  "Headers polyfill → none (Node ≥ 18)",
  "cross-fetch → runtime fetch",
  "debug → 40-line logger",
  "framework adapters → none (framework: custom)",
  "jose verify → synchronous",
  "jose → ESM subset",
  "libphonenumber-js → throwing stub",
  "supertokens-node marks itself loaded",
  "tldts → hostname (cookieSameSite given)",
];
const TRICKS_BY_PROFILE: Record<FunctionResult["profile"], string[]> = {
  routes: EVERY_BUNDLE,
  verify: [
    ...EVERY_BUNDLE,
    "AuthUtils → none (verify-only)",
    "MFA/TOTP → recipe id only (verify-only)",
    "recipe APIs → disabled (verify-only)",
  ].sort(),
};
/** Tricks on a function file's own source: they fire when it is written the usual way (one per kind at least). */
const SOURCE_FORM = ["adapters → marked pure"];

describe("the bundler's tricks", () => {
  let out: string;
  let built: FunctionResult[];
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "contract-build-"));
    built = await buildFunctions({ outDir: out });
  }, 120_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("every one fires in every bundle of its kind (a rewrite that stops matching fails here)", () => {
    expect(built.length).toBeGreaterThan(0);
    for (const fn of built)
      for (const bundle of [fn.lambda, fn.netlify]) {
        if (!bundle) continue;
        const fired = [...bundle.tricks.keys()].filter((trick) => !SOURCE_FORM.includes(trick)).sort();
        expect(fired, `${fn.name} (${bundle.platform})`).toEqual(TRICKS_BY_PROFILE[fn.profile]);
      }
    // A function file written another way (a user's own) may skip these; the shipped ones must not all.
    for (const profile of new Set(built.map((fn) => fn.profile)))
      for (const trick of SOURCE_FORM)
        expect(
          built.some((fn) => fn.profile === profile && fn.lambda.tricks.has(trick)),
          `${trick} in some ${profile} bundle`,
        ).toBe(true);
  });
});

describe("supertokens-node internals we use", () => {
  beforeAll(() => {
    initSuperTokens({ connectionURI: core.url, recipeList: [Session.init(), UserRoles.init()] });
  });

  it("its main module is where the CommonJS-cache check looks for it", async () => {
    await import("supertokens-node");
    expect(
      Object.keys(require.cache).some((path) => path.includes("supertokens-node/lib/build/supertokens.js")),
    ).toBe(true);
    expect(superTokensNodeLoaded()).toBe(true);
  });

  it("our CollectingResponse has every method of its own (on the deep-imported BaseResponse)", () => {
    const { CollectingResponse: Original } = require("supertokens-node/framework/custom") as {
      CollectingResponse: new () => object;
    };
    const methods = (proto: object) =>
      Object.getOwnPropertyNames(proto)
        .filter((name) => name !== "constructor")
        .sort();
    const ours = new Set([
      ...methods(CollectingResponse.prototype),
      ...Object.keys(new CollectingResponse()),
    ]);
    const theirs = [...methods(Original.prototype), ...Object.keys(new Original())];
    expect(theirs.filter((name) => !ours.has(name))).toEqual([]);
  });

  it("LightSession answers every method of supertokens-node's Session", () => {
    const SessionClass = (
      require("supertokens-node/lib/build/recipe/session/sessionClass") as {
        default: { prototype: object };
      }
    ).default;
    const theirs = Object.getOwnPropertyNames(SessionClass.prototype).filter(
      (name) => name !== "constructor",
    );
    const ours = new Set(Object.getOwnPropertyNames(LightSession.prototype));
    expect(theirs.filter((name) => !ours.has(name))).toEqual([]);
  });

  it("the role claims we write are read back by UserRoles' own claims", () => {
    const payload = rolePayload({
      role: "editor",
      roles: ["editor", "user"],
      permissions: ["content:write"],
    });
    const userContext = {} as never;
    expect(UserRoles.UserRoleClaim.getValueFromPayload(payload, userContext)).toEqual(["editor", "user"]);
    expect(UserRoles.PermissionClaim.getValueFromPayload(payload, userContext)).toEqual(["content:write"]);
  });
});

describe("recipes known to add no global claim", () => {
  const added = () =>
    (
      require("supertokens-node/lib/build/recipe/session/recipe") as {
        default: { getInstanceOrThrowError(): { getClaimValidatorsAddedByOtherRecipes(): unknown[] } };
      }
    ).default
      .getInstanceOrThrowError()
      .getClaimValidatorsAddedByOtherRecipes();

  const inits: Record<string, () => unknown> = {
    emailpassword: () => EmailPassword.init(),
    "emailverification (OPTIONAL)": () => EmailVerification.init({ mode: "OPTIONAL" }),
  };

  it("names only recipes supertokens-node ships", () => {
    const shipped = new Set(
      readdirSync(join(require.resolve("supertokens-node/lib/build/supertokens.js"), "..", "recipe")),
    );
    for (const name of RECIPES_WITHOUT_GLOBAL_CLAIMS)
      expect(shipped.has(name.split(" ")[0] ?? ""), name).toBe(true);
    expect(Object.keys(inits).sort()).toEqual([...RECIPES_WITHOUT_GLOBAL_CLAIMS].sort());
  });

  it.each(Object.keys(inits))(
    "%s really adds none (the quick path may skip supertokens-node's claim check)",
    async (name) => {
      initSuperTokens({
        connectionURI: core.url,
        recipeList: [inits[name]!() as never, Session.init(), UserRoles.init()],
      });
      // Added at init, as the REQUIRED case below shows: nothing to wait for.
      expect(added()).toEqual([]);
    },
  );

  it("and the check sees one that does (EmailVerification REQUIRED)", () => {
    initSuperTokens({
      connectionURI: core.url,
      recipeList: [EmailVerification.init({ mode: "REQUIRED" }), Session.init(), UserRoles.init()],
    });
    expect(added().length).toBeGreaterThan(0);
  });
});
