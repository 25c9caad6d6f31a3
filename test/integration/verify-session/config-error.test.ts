// A configuration the function cannot run with is answered as such at the first request: 500
// "function misconfigured" to the client (nothing of the environment), one ERROR "config error" line
// naming the variable for the operator — not a handler's internal error.
import { describe, expect, it } from "vitest";
import { verifySession } from "../../../src/session/verify-session.ts";
import { httpApiEvent, readLambdaResult } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";

describe("a config error at run time", () => {
  it("is a 500 'function misconfigured' and one 'config error' line naming the variable", async () => {
    process.env.CORE_TIMEOUT_MS = "soon";
    const handler = verifySession(() => ({ ok: true }));
    const output = captureOutput();
    try {
      const reply = readLambdaResult(
        await handler(httpApiEvent({ path: "/anything" }) as never, {} as never),
      );
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ message: "function misconfigured" });
      const lines = output.logs("ERROR");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ message: "config error", status: 500 });
      expect(String(lines[0]!.error)).toContain(
        'CORE_TIMEOUT_MS must be a whole number of milliseconds from 1 to 60000 (got "soon")',
      );
    } finally {
      output.stop();
      delete process.env.CORE_TIMEOUT_MS;
    }
  });
});
