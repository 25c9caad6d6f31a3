// The compaction policy on its own (the integration test checks it against tokens the core signs).
import { describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN_BUDGET,
  AccessTokenTooLargeError,
  COMPACTED_KEY,
  conservativeJsonBytes,
  estimateTokenSizes,
  FRONT_TOKEN_BUDGET,
  fitPayload,
  withinBudget,
} from "../../src/roles/token-budget.ts";

const owner = {
  userId: "4c9e3a7e-0b7d-4a8e-9a43-1f0f6b1e2d3c",
  recipeUserId: "4c9e3a7e-0b7d-4a8e-9a43-1f0f6b1e2d3c",
  tenantId: "public",
};
const claim = (v: string[]) => ({ v, t: 1_795_784_034_578 });
const permissions = (n: number) =>
  Array.from({ length: n }, (_, i) => `organisation:project-${i}:documents:write`);
const roles = (n: number) =>
  Array.from({ length: n }, (_, i) => `department-${i}:organisation-wide-document-reviewers`);

describe("fitPayload", () => {
  it("leaves a payload that fits as it is, without a marker", () => {
    const payload = {
      iss: "http://localhost:3000/auth",
      role: "user",
      "st-role": claim(["user"]),
      "st-perm": claim(["content:read"]),
    };
    const fit = fitPayload(payload, owner);
    expect(fit.payload).toEqual(payload);
    expect(fit.omitted).toEqual([]);
    expect(fit.fitted).toEqual(fit.full);
  });

  it("leaves st-perm out first and says so, keeping role and st-role", () => {
    const fit = fitPayload(
      { role: "user", "st-role": claim(["user"]), "st-perm": claim(permissions(150)) },
      owner,
    );
    expect(fit.payload).toEqual({ role: "user", "st-role": claim(["user"]), [COMPACTED_KEY]: ["st-perm"] });
    expect(fit.full.accessToken).toBeGreaterThan(ACCESS_TOKEN_BUDGET);
    expect(withinBudget(fit.fitted)).toBe(true);
  });

  it("leaves st-role out too when the role list alone is past the budget; role stays", () => {
    const fit = fitPayload(
      { role: "owner", "st-role": claim(roles(100)), "st-perm": claim(["content:read"]) },
      owner,
    );
    expect(fit.payload).toEqual({ role: "owner", [COMPACTED_KEY]: ["st-perm", "st-role"] });
    expect(fit.omitted).toEqual(["st-perm", "st-role"]);
  });

  it("drops a marker for a claim the payload holds again, and keeps it for one still left out", () => {
    const grown = {
      role: "user",
      "st-role": claim(["user"]),
      "st-perm": claim(["content:read"]),
      [COMPACTED_KEY]: ["st-perm"],
    };
    expect(fitPayload(grown, owner).payload).not.toHaveProperty(COMPACTED_KEY);
    const stillOut = { role: "user", "st-role": claim(["user"]), [COMPACTED_KEY]: ["st-perm"] };
    expect(fitPayload(stillOut, owner).payload[COMPACTED_KEY]).toEqual(["st-perm"]);
    // Only the claims we omit count: anything else in the marker is not ours to trust.
    expect(
      fitPayload({ role: null, [COMPACTED_KEY]: ["iss", "st-role"] }, owner).payload[COMPACTED_KEY],
    ).toEqual(["st-role"]);
  });

  it("throws rather than sign a token nothing we may leave out can make fit", () => {
    expect(() => fitPayload({ role: "user", note: "x".repeat(3000) }, owner)).toThrow(
      AccessTokenTooLargeError,
    );
  });
});

describe("the estimate", () => {
  it("counts characters a Java core escapes, and non-ASCII, at their escaped length", () => {
    expect(conservativeJsonBytes("abc")).toBe(5);
    expect(conservativeJsonBytes("<=>")).toBe(2 + 18);
    expect(conservativeJsonBytes("é")).toBe(2 + 6);
  });

  it("grows with the payload and includes the claims the core adds", () => {
    const empty = estimateTokenSizes({}, owner);
    // A bare session's token is over 1 KB: header, the core's claims, a 342-character signature.
    expect(empty.accessToken).toBeGreaterThan(1000);
    expect(empty.frontToken).toBeLessThan(empty.accessToken);
    const bigger = estimateTokenSizes({ role: "x".repeat(300) }, owner);
    expect(bigger.accessToken - empty.accessToken).toBeGreaterThanOrEqual(400);
    expect(FRONT_TOKEN_BUDGET).toBeLessThan(4096 - "sFrontToken=".length);
    expect(ACCESS_TOKEN_BUDGET).toBeLessThan(4096 - "st-access-token=".length);
  });
});
