// src/core-client/fetch-hook.ts sends supertokens-node's core requests through node:http instead of the runtime's
// fetch (undici's first request costs ~8 MiB of peak RSS at cold start; bench/TRICKS.md). These pin
// the contract supertokens-node's querier relies on: a real Response, the request it would have sent,
// the deadline and the one retry on a stale keep-alive socket.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreUnavailableError, setCoreDeadline } from "../../src/core-client/fetch-hook.ts";

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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  coreUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  it("sends what the querier asks for and answers with a real Response", async () => {
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
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
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
