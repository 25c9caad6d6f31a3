// The cold-start cuts of bench/COLD-START.md that change behaviour-bearing code: the core client's
// Response-like (cut 2), validateClaims without validators (cut 9), and the Logger made at its first
// line with the right cold_start (cut 4).
import { afterEach, describe, expect, it, vi } from "vitest";
import { CoreResponse } from "../../src/core-client/core-response.ts";

describe("CoreResponse reads like a buffered fetch Response", () => {
  const make = (status: number, body: string | Buffer, headers: HeadersInit = {}) =>
    new CoreResponse(status, "Status", headers, "http://core/x", Buffer.from(body));

  it("answers as the runtime's Response does for the same bytes", async () => {
    for (const [status, bytes] of [
      [200, Buffer.from('{"status":"OK"}')],
      [200, Buffer.from([0xef, 0xbb, 0xbf, 0x61])], // a BOM is dropped
      [200, Buffer.from([0x61, 0xff, 0x62])], // malformed UTF-8 → U+FFFD
      [404, Buffer.from("Not Found")],
      [299, Buffer.from("")],
      [300, Buffer.from("x")],
    ] as const) {
      const ours = new CoreResponse(status, "S", { "content-type": "text/plain" }, "http://core/x", bytes);
      const theirs = new Response(bytes, {
        status,
        statusText: "S",
        headers: { "content-type": "text/plain" },
      });
      expect(ours.ok).toBe(theirs.ok);
      expect(ours.headers.get("content-type")).toBe(theirs.headers.get("content-type"));
      expect(await ours.clone().text()).toBe(await theirs.clone().text());
      expect(new Uint8Array(await ours.clone().arrayBuffer())).toEqual(
        new Uint8Array(await theirs.clone().arrayBuffer()),
      );
    }
  });

  it("reads its body once, like a Response; clone() first to read it again", async () => {
    const response = make(200, '{"a":1}');
    expect(await response.clone().json()).toEqual({ a: 1 });
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('{"a":1}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    await expect(make(200, "not json").json()).rejects.toThrow(SyntaxError);
  });
});

describe("validateClaims without validators", () => {
  it("answers no invalid claims and no update without calling the original; with validators, the original", async () => {
    const { withoutEmptyClaimValidation } = await import("../../src/session/supertokens.ts");
    const validateClaims = vi.fn(async () => ({ invalidClaims: [{ id: "x", reason: "r" }] }));
    const original = { validateClaims } as never;
    const recipe = withoutEmptyClaimValidation(original, { ...(original as object) } as never);
    // An override with its own validateClaims is left as it is.
    const own = { validateClaims: vi.fn() } as never;
    expect(withoutEmptyClaimValidation(original, own)).toBe(own);
    const input = { accessTokenPayload: { sub: "u" }, userId: "u", claimValidators: [], userContext: {} };
    // What supertokens-node's own validateClaims answers for no validators (recipeImplementation.js).
    expect(await recipe.validateClaims(input as never)).toEqual({
      invalidClaims: [],
      accessTokenPayloadUpdate: undefined,
    });
    expect(validateClaims).not.toHaveBeenCalled();
    const withOne = { ...input, claimValidators: [{ id: "x" }] };
    expect(await recipe.validateClaims(withOne as never)).toEqual({
      invalidClaims: [{ id: "x", reason: "r" }],
    });
    expect(validateClaims).toHaveBeenCalledWith(withOne);
  });
});

describe("the Logger, made at its first line", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.resetModules();
    vi.restoreAllMocks();
  });

  async function fresh(env: Record<string, string | undefined>) {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vi.resetModules();
    return import("../../src/observability/logger.ts");
  }

  const lines = () => {
    const written: Array<Record<string, unknown>> = [];
    const capture = (chunk: unknown) => {
      for (const line of String(chunk).split("\n").filter(Boolean)) written.push(JSON.parse(line));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture as never);
    vi.spyOn(process.stderr, "write").mockImplementation(capture as never);
    return written;
  };
  const context = (id: string) => ({ awsRequestId: id, functionName: "fn" }) as never;

  it("says cold_start: false when its first line is in a later invocation, true in the first", async () => {
    const later = await fresh({ AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", LOG_LEVEL: "INFO" });
    const written = lines();
    later.setLogContext(context("first"));
    later.setLogContext(context("second"));
    later.logger().warn("a line");
    // The Logger's module loads on the first line; the line is written once it has.
    expect(written).toEqual([]);
    await later.flushLogs();
    expect(written.at(-1)).toMatchObject({ cold_start: false, function_request_id: "second" });

    const first = await fresh({ AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", LOG_LEVEL: "INFO" });
    first.setLogContext(context("only"));
    first.logger().warn("a line");
    await first.flushLogs();
    expect(written.at(-1)).toMatchObject({ cold_start: true, function_request_id: "only" });
    first.setLogContext(context("next"));
    // Once made, the Logger writes at once.
    first.logger().warn("a line");
    expect(written.at(-1)).toMatchObject({ cold_start: false, function_request_id: "next" });
  });

  it("knows DEBUG is off without making a Logger only when nothing could turn it on", async () => {
    const cases: Array<[Record<string, string | undefined>, boolean]> = [
      [{ LOG_LEVEL: undefined, POWERTOOLS_LOG_LEVEL: undefined, AWS_LAMBDA_LOG_LEVEL: undefined }, false],
      [{ LOG_LEVEL: "INFO" }, false],
      [{ LOG_LEVEL: "debug" }, true],
      [{ LOG_LEVEL: "TRACE" }, true],
      [{ LOG_LEVEL: undefined, POWERTOOLS_LOG_LEVEL: "DEBUG" }, true],
      [{ LOG_LEVEL: "INFO", POWERTOOLS_LOGGER_SAMPLE_RATE: "1" }, true],
    ];
    lines(); // (sampling writes a DEBUG line of its own)
    for (const [env, expected] of cases) {
      const module = await fresh({
        LOG_LEVEL: undefined,
        POWERTOOLS_LOG_LEVEL: undefined,
        AWS_LAMBDA_LOG_LEVEL: undefined,
        POWERTOOLS_LOGGER_SAMPLE_RATE: undefined,
        ...env,
      });
      expect(module.debugEnabled(), JSON.stringify(env)).toBe(expected);
      // Whatever it answered without a Logger, the Logger agrees.
      const made = await module.loggerReady();
      expect(["TRACE", "DEBUG"].includes(made.getLevelName()), JSON.stringify(env)).toBe(expected);
    }
  });
});
