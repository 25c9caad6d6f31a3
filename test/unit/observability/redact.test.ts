// The log redactor: masks JWTs and long opaque tokens, in time linear in the line's length (a JWT regex
// that backtracked took 959 ms for 64,000 × `eyJ`, a line anyone can make us log).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redact } from "../../../src/observability/redact.ts";

const MASK = "[redacted]";
// What the redactor has always masked, as regular expressions (the reference for the one-pass scan).
const referenceRedact = (text: string): string =>
  text.replace(/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, MASK).replace(/[\w+-]{40,}/g, MASK);

/** Shortest of a few runs, in ms: the least disturbed by other work on the machine. */
function fastest(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe("redact", () => {
  it("masks a JWT wherever it sits, and long opaque tokens", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";
    expect(redact(`Bearer ${jwt}, then`)).toBe(`Bearer ${MASK}, then`);
    expect(redact(`x${jwt}`)).toBe(`x${MASK}`);
    expect(redact(`token=${"a".repeat(40)}`)).toBe(`token=${MASK}`);
    expect(redact("user 9d3c8f1e-1d5a-4b67-9f6a-0d2b7e1c4a55 on /auth/signin")).toBe(
      "user 9d3c8f1e-1d5a-4b67-9f6a-0d2b7e1c4a55 on /auth/signin",
    );
  });

  it("masks exactly what the JWT and opaque-token patterns match", () => {
    const piece = fc.constantFrom("eyJ", "e", "y", "J", ".", "-", "_", "a", "Z", "9", "+", " ", "/", "..");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join("");
        expect(redact(text)).toBe(referenceRedact(text));
      }),
      { seed: 26, numRuns: 3000 },
    );
  });

  it("is linear: 8 copies of n × `eyJ` cost about what one 8n line costs (quadratic would be 8×)", () => {
    for (const unit of ["eyJ", "eyJ-", "xeyJ"]) {
      const small = unit.repeat(2_000);
      const large = unit.repeat(16_000);
      const eightSmall = fastest(() => {
        for (let i = 0; i < 8; i++) redact(small);
      });
      const oneLarge = fastest(() => redact(large));
      // Linear: a ratio near 1. Quadratic: near 8. The margin absorbs a busy machine.
      expect(oneLarge / Math.max(eightSmall, 0.05), unit).toBeLessThan(3);
    }
  });
});
