// src/core-client/fetch-hook.ts sends supertokens-node's core requests through node:http instead of the runtime's
// fetch (undici's first request costs ~8 MiB of peak RSS at cold start; bench/TRICKS.md). These pin
// the contract supertokens-node's querier relies on: a Response-like (status, ok, headers.get, text, json,
// clone; src/core-client/core-response.ts — not the runtime's Response, which would load undici), the
// request it would have sent,
// the deadline and the one retry on a stale keep-alive socket; and what operators rely on: the cause
// of each failure, a deadline that fits the invocation's remaining time, the API key read at run time.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setCoreApiKeySource } from "../../src/core-client/api-key.ts";
import { CoreResponse } from "../../src/core-client/core-response.ts";
import { CoreUnavailableError, setCoreDeadline } from "../../src/core-client/fetch-hook.ts";
import { coreOutage, type OutageReason } from "../../src/core-client/outage.ts";
import { finishInvocation, startInvocation } from "../../src/observability/invocation.ts";
import { listenOnLoopback } from "../helpers/ports.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let route: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void = () => {};
const seen: Seen[] = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
    seen.push(entry);
    route(req, res, entry);
  });
});
let coreUrl = "";
/** Calls that reached the runtime's fetch (undici) underneath the wrapper. */
let runtimeFetchCalls = 0;
const runtimeFetch = globalThis.fetch;

beforeAll(async () => {
  coreUrl = (await listenOnLoopback(server)).url;
  globalThis.fetch = (input, init) => {
    runtimeFetchCalls += 1;
    return runtimeFetch(input, init);
  };
  setCoreDeadline(coreUrl, 300);
});

afterAll(async () => {
  globalThis.fetch = runtimeFetch;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("core requests over node:http", () => {
  it("sends what the querier asks for and answers with what the querier reads of a Response", async () => {
    seen.length = 0;
    route = (_, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-core": "yes" });
      res.end(JSON.stringify({ status: "OK", roles: ["editor"] }));
    };
    const body = JSON.stringify({ userId: "u1" });
    const response = await fetch(`${coreUrl}/recipe/session/regenerate`, {
      method: "POST",
      body,
      headers: { "cdi-version": "5.2", "content-type": "application/json; charset=utf-8", rid: "session" },
    });
    expect(response).toBeInstanceOf(CoreResponse);
    // What supertokens-node's querier reads: status, ok, headers.get, clone().json()/text(), and an
    // error answer it throws is recognised by `"status" in err && "text" in err`.
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect("status" in response && "text" in response).toBe(true);
    expect(response.headers.get("x-core")).toBe("yes");
    expect(await response.clone().json()).toEqual({ status: "OK", roles: ["editor"] });
    expect(await response.text()).toBe(JSON.stringify({ status: "OK", roles: ["editor"] }));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/recipe/session/regenerate", body });
    expect(seen[0]?.headers).toMatchObject({
      "cdi-version": "5.2",
      rid: "session",
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
    });
  });

  it("passes non-200 answers through (the querier reads status and text)", async () => {
    route = (_, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not Found");
    };
    const response = await fetch(`${coreUrl}/recipe/role/permissions?role=x`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not Found");
    route = (_, res) => {
      res.writeHead(204);
      res.end();
    };
    expect((await fetch(`${coreUrl}/nothing`, { method: "DELETE" })).status).toBe(204);
  });

  it("turns a 5xx, a malformed JSON body and a silent core into CoreUnavailableError", async () => {
    route = (_, res) => {
      res.writeHead(500);
      res.end("boom");
    };
    await expect(fetch(`${coreUrl}/apiversion`)).rejects.toBeInstanceOf(CoreUnavailableError);
    route = (_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{not json");
    };
    await expect(fetch(`${coreUrl}/apiversion`)).rejects.toBeInstanceOf(CoreUnavailableError);
    route = () => {}; // never answers
    const started = performance.now();
    await expect(fetch(`${coreUrl}/apiversion`)).rejects.toBeInstanceOf(CoreUnavailableError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("retries once when the core drops the connection before answering", async () => {
    seen.length = 0;
    let calls = 0;
    route = (req, res) => {
      calls += 1;
      if (calls === 1) return req.socket.destroy();
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"OK"}');
    };
    const response = await fetch(`${coreUrl}/recipe/user/roles?userId=u1`);
    expect(await response.json()).toEqual({ status: "OK" });
    expect(seen).toHaveLength(2);
  });

  it("does not retry when the connection drops mid-answer (the core saw the request)", async () => {
    seen.length = 0;
    route = (req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"status":');
      setTimeout(() => req.socket.destroy(), 20);
    };
    await expect(
      fetch(`${coreUrl}/recipe/session/regenerate`, { method: "POST", body: "{}" }),
    ).rejects.toBeInstanceOf(CoreUnavailableError);
    expect(seen).toHaveLength(1);
  });

  it("never calls the runtime's fetch for the core; other URLs still go through it", async () => {
    route = (_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"OK"}');
    };
    runtimeFetchCalls = 0;
    await (await fetch(`${coreUrl}/recipe/user/roles?userId=u1`)).json();
    expect(runtimeFetchCalls).toBe(0);
    const elsewhere = coreUrl.replace("127.0.0.1", "localhost");
    expect((await fetch(`${elsewhere}/hello`)).status).toBe(200);
    expect(runtimeFetchCalls).toBe(1);
  });
});

/** The cause a failed core request carries. */
async function reasonOf(request: Promise<Response>): Promise<OutageReason> {
  const error = await request.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CoreUnavailableError);
  return (error as CoreUnavailableError).outage.reason;
}

/** A second core on its own port, with its own deadline and API key source. */
async function otherCore(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const other = createServer(handler);
  const { url } = await listenOnLoopback(other);
  return {
    url,
    close: async () => {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    },
  };
}

describe("why a core request failed", () => {
  it.each<[OutageReason, (req: IncomingMessage, res: ServerResponse) => void]>([
    ["core-5xx", (_, res) => res.writeHead(502).end("bad gateway")],
    ["malformed-answer", (_, res) => res.writeHead(200, { "content-type": "application/json" }).end("{no")],
    ["timeout", () => {}],
  ])("%s", async (reason, answer) => {
    route = (req, res) => answer(req, res);
    expect(await reasonOf(fetch(`${coreUrl}/recipe/user/roles?userId=u1`))).toBe(reason);
  });

  it("invalid-api-key: a 401 goes through to the querier, whose error says so", async () => {
    route = (_, res) => res.writeHead(401, { "content-type": "text/plain" }).end("Invalid API key");
    const response = await fetch(`${coreUrl}/recipe/roles`);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("Invalid API key");
    // supertokens-node@24's words for it (src/core-client/outage.ts reads them).
    const querierError = new Error(
      "SuperTokens core threw an error for a GET request to path: '/recipe/roles' with status code: 401 and message: Invalid API key",
    );
    expect(coreOutage(querierError)).toMatchObject({ reason: "invalid-api-key", corePath: "/recipe/roles" });
    expect(
      coreOutage(new Error("SuperTokens core threw an error ... with status code: 400")),
    ).toBeUndefined();
  });

  it("connection-refused, with the core's origin and never its credentials", async () => {
    const gone = await otherCore(() => {});
    await gone.close();
    const withUser = gone.url.replace("http://", "http://admin:hunter2@");
    setCoreDeadline(withUser, 300);
    const error = await fetch(`${withUser}/apiversion?secret=1`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CoreUnavailableError);
    expect((error as CoreUnavailableError).outage).toEqual({
      reason: "connection-refused",
      coreUrl: gone.url,
      corePath: "/apiversion",
      detail: "ECONNREFUSED",
    });
  });
});

describe("a deadline that fits the invocation", () => {
  it("is the invocation's remaining time less a margin when that is shorter than CORE_TIMEOUT_MS", async () => {
    const silent = await otherCore(() => {});
    setCoreDeadline(silent.url, 10_000);
    const endsAt = Date.now() + 800;
    const invocation = startInvocation({
      requestId: "r1",
      functionName: "f",
      remainingMs: () => endsAt - Date.now(),
    });
    try {
      const failed = reasonOf(fetch(`${silent.url}/recipe/session/regenerate`));
      expect(await failed).toBe("timeout");
      // Answered before the platform would have ended the invocation.
      expect(Date.now()).toBeLessThan(endsAt);
    } finally {
      finishInvocation(invocation);
      await silent.close();
    }
  });

  it("fails at once, without a request, when the invocation has no time left for one", async () => {
    seen.length = 0;
    const invocation = startInvocation({ requestId: "r2", functionName: "f", remainingMs: () => 100 });
    try {
      expect(await reasonOf(fetch(`${coreUrl}/apiversion`))).toBe("timeout");
      expect(seen).toHaveLength(0);
    } finally {
      finishInvocation(invocation);
    }
  });
});

describe("an API key read at run time", () => {
  it("is read once, sent as api-key, read again after a failed read and after a 401", async () => {
    const keys: (string | undefined)[] = [];
    let accepted = "key-1";
    const keyed = await otherCore((req, res) => {
      keys.push(req.headers["api-key"] as string | undefined);
      if (req.headers["api-key"] !== accepted) return res.writeHead(401).end("Invalid API key");
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"OK"}');
    });
    const answers = ["key-1", new Error("AccessDeniedException"), "key-1", "key-2"];
    let reads = 0;
    setCoreDeadline(keyed.url, 500);
    setCoreApiKeySource(keyed.url, async () => {
      const answer = answers[reads++];
      if (answer instanceof Error || answer === undefined) throw answer ?? new Error("no more keys");
      return answer;
    });
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${keyed.url}/apiversion`)).status).toBe(200);
      expect(reads).toBe(1);
      // The key is rotated in the core: 401, then the next request reads the parameter again —
      // and that read fails once (no negative caching: the one after reads again).
      accepted = "key-2";
      expect((await fetch(`${keyed.url}/apiversion`)).status).toBe(401);
      expect(await reasonOf(fetch(`${keyed.url}/apiversion`))).toBe("api-key-parameter");
      expect((await fetch(`${keyed.url}/apiversion`)).status).toBe(401);
      expect((await fetch(`${keyed.url}/apiversion`)).status).toBe(200);
      expect(reads).toBe(4);
      expect(keys).toEqual(["key-1", "key-1", "key-1", "key-1", "key-1", "key-2"]);
    } finally {
      await keyed.close();
    }
  });
});
