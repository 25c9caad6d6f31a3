// The quick path's option allow-list: every key of SessionOptions (supertokens-node's VerifySessionOptions
// and ours) is listed below with the values tried. A key added by a supertokens-node upgrade fails the
// type check of this file until someone decides it; until then the runtime sends it to getSession.
import { describe, expect, it } from "vitest";
import type { SessionOptions } from "../../src/session/guards.ts";
import { optionsAllowQuickPath } from "../../src/session/quick-path-decision.ts";

const cases: { [K in keyof Required<SessionOptions>]: Array<[SessionOptions[K], boolean]> } = {
  sessionRequired: [
    [true, true],
    [false, true],
  ],
  checkDatabase: [
    [false, true],
    [true, false],
  ],
  antiCsrfCheck: [
    [true, false],
    [false, false],
  ],
  overrideGlobalClaimValidators: [[(globals) => globals, false]],
  requireRoles: [[["editor"], true]],
  requirePermissions: [[["content:write"], true]],
  methods: [[["POST"], true]],
  // Settled (called and merged) by the pipeline before it decides; never taken at face value.
  deferred: [[async () => ({}), false]],
};

describe("may a request take the quick path?", () => {
  for (const [key, tries] of Object.entries(cases)) {
    for (const [value, quick] of tries as Array<[unknown, boolean]>) {
      it(`${key}: ${typeof value === "function" ? "a function" : JSON.stringify(value)} → ${quick ? "quick path" : "getSession"}`, () => {
        expect(optionsAllowQuickPath({ [key]: value } as SessionOptions)).toBe(quick);
      });
    }
  }

  it("no options, and options left undefined, take the quick path", () => {
    expect(optionsAllowQuickPath({})).toBe(true);
    expect(optionsAllowQuickPath({ checkDatabase: undefined, antiCsrfCheck: undefined })).toBe(true);
  });

  it("refuses what it does not know: an unknown key, or a known key with a value it does not honour", () => {
    expect(optionsAllowQuickPath({ somethingNew: true } as SessionOptions)).toBe(false);
    expect(optionsAllowQuickPath({ sessionRequired: "yes" } as unknown as SessionOptions)).toBe(false);
    expect(optionsAllowQuickPath({ requireRoles: "admin" } as unknown as SessionOptions)).toBe(false);
  });
});
