// What npm start prints for a function's 500: one line, the first frame in the project's own code.
import { describe, expect, it } from "vitest";
import { functionErrorLine } from "../../scripts/function-errors.ts";

const ROOT = "/home/me/session-roles";
const errorLine = (stack: string) =>
  `${JSON.stringify({
    level: "ERROR",
    message: "internal error",
    function_name: "session-roles-dev-boom",
    status: 500,
    where: "handler",
    error: { name: "TypeError", message: "x is not a function", stack },
  })}`;

describe("a function's 500 in the npm start terminal", () => {
  it("names the function, the error and the first frame in functions/ or src/, source-mapped", () => {
    const stack = [
      "TypeError: x is not a function",
      `    at Object.dependency (${ROOT}/node_modules/some-lib/index.js:10:5)`,
      `    at boom (${ROOT}/.serverless-offline/services/session-roles/functions/boom.ts:6:9)`,
      `    at run (${ROOT}/src/session/pipeline.ts:120:3)`,
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    ].join("\n");
    expect(functionErrorLine(`offline: ${errorLine(stack)}`, ROOT)).toBe(
      "500 from boom: TypeError: x is not a function at functions/boom.ts:6:9 (npm start -- --verbose shows the whole stack)",
    );
  });

  it("keeps the first frame when none is the project's own", () => {
    const stack = `TypeError: x is not a function\n    at f (file://${ROOT}/node_modules/lib/a.mjs:1:2)`;
    expect(functionErrorLine(errorLine(stack), ROOT)).toContain(" at node_modules/lib/a.mjs:1:2 ");
  });

  it("ignores every other line", () => {
    expect(functionErrorLine('{"level":"ERROR","status":503,"cause":"timeout"}', ROOT)).toBeUndefined();
    expect(functionErrorLine("GET /session (λ: session)", ROOT)).toBeUndefined();
    expect(functionErrorLine('not json but "status":500', ROOT)).toBeUndefined();
  });
});
