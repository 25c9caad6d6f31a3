// src/http/light-headers.ts stands in for the runtime's Headers in the request and response models (so
// undici is not loaded on the request path). Every operation is run on both, side by side, and must
// answer the same: values, iteration order, combined values, Set-Cookie, and the same refusals.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isHeadersLike, LightHeaders } from "../../../src/http/light-headers.ts";

type Op =
  | { kind: "append" | "set"; name: string; value: string }
  | { kind: "delete" | "get" | "has"; name: string };

const names = fc.oneof(
  fc.constantFrom("Content-Type", "content-type", "Set-Cookie", "set-cookie", "Vary", "a", "X-Y", "cookie"),
  fc.string({ maxLength: 6 }),
  fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}$/),
);
const values = fc.oneof(
  fc.constantFrom("", " a ", "a, b", "x=1; Path=/", "\tv\t", "é", "\u0100", "a\nb", "a\0b", "a\rb", " \r\n"),
  fc.string({ maxLength: 8 }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom("append" as const, "set" as const), name: names, value: values }),
  fc.record({ kind: fc.constantFrom("delete" as const, "get" as const, "has" as const), name: names }),
);

function apply(headers: Headers, step: Op): unknown {
  try {
    if (step.kind === "append" || step.kind === "set") return headers[step.kind](step.name, step.value);
    return headers[step.kind](step.name);
  } catch (error) {
    return error instanceof TypeError ? "TypeError" : error;
  }
}

function snapshot(headers: Headers) {
  const forEach: string[][] = [];
  headers.forEach((value, name) => {
    forEach.push([name, value]);
  });
  return {
    entries: [...headers],
    keys: [...headers.keys()],
    values: [...headers.values()],
    forEach,
    setCookie: headers.getSetCookie(),
    record: Object.fromEntries(headers),
  };
}

describe("LightHeaders answers like the runtime's Headers", () => {
  it("for any sequence of operations", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (steps) => {
        const ours = new LightHeaders();
        const theirs = new Headers();
        for (const step of steps) expect(apply(ours, step)).toEqual(apply(theirs, step));
        expect(snapshot(ours)).toEqual(snapshot(theirs));
      }),
      { numRuns: 1500 },
    );
  });

  it("from every kind of init, and refuses the same inits", () => {
    const inits: unknown[] = [
      undefined,
      { "Content-Type": "text/plain", vary: " Origin " },
      [
        ["Set-Cookie", "a=1"],
        ["set-cookie", "b=2"],
        ["X", "1"],
        ["x", "2"],
      ],
      new Headers({ a: "1", "set-cookie": "c=3" }),
      new LightHeaders([["b", "2"]]),
      new Map([["m", "1"]]),
      [["too", "many", "items"]],
      [["one"]],
      ["ab"],
      { "bad name": "x" },
      { ok: "bad\nvalue" },
      null,
      "a=1",
    ];
    for (const init of inits) {
      const make = (Class: typeof Headers) => {
        try {
          return snapshot(new Class(init as HeadersInit));
        } catch (error) {
          return error instanceof TypeError ? "TypeError" : error;
        }
      };
      expect(make(LightHeaders as unknown as typeof Headers), String(JSON.stringify(init))).toEqual(
        make(Headers),
      );
    }
  });

  it("is read by the runtime's Headers and Response as a Headers", async () => {
    const ours = new LightHeaders({ "content-type": "application/json" });
    ours.append("set-cookie", "a=1");
    ours.append("set-cookie", "b=2");
    expect([...new Headers(ours)]).toEqual([...ours]);
    const response = new Response("{}", { headers: ours });
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(Object.prototype.toString.call(ours)).toBe("[object Headers]");
    expect(isHeadersLike(ours)).toBe(true);
    expect(isHeadersLike(new Headers())).toBe(true);
    expect(isHeadersLike({ get: () => null })).toBe(false);
  });
});
