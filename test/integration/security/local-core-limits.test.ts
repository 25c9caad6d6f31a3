// The local core under slow clients and many connections (issue #26): a client that trickles its headers
// or body is answered 408 and let go within the timeouts (Node's default held it 300 s), and connections
// past the cap are dropped; the core keeps answering once they are gone.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../../local-core/index.ts";

let core: LocalCore;
beforeAll(async () => {
  core = await startLocalCore({
    port: 0,
    limits: { headersTimeoutMs: 500, requestTimeoutMs: 1000, maxConnections: 4 },
  });
});
afterAll(() => core.close());

/** Sends `payload` and resolves with what came back once the core closes the connection (or after `giveUpMs`). */
function heldFor(
  payload: string,
  giveUpMs = 5000,
): Promise<{ answer: string; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(core.port, "127.0.0.1");
    let answer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closedAfterMs: null });
    }, giveUpMs);
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
    socket.on("error", () => undefined);
    socket.write(payload);
  });
}

const host = () => `Host: 127.0.0.1:${core.port}\r\n`;

describe("slow clients", () => {
  it("headers that never end: 408 and closed, not held for minutes", async () => {
    const { answer, closedAfterMs } = await heldFor(`GET /hello HTTP/1.1\r\n${host()}X-Slow: 1\r\n`);
    expect(closedAfterMs).not.toBeNull();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("a body that never arrives: 408 and closed, and nothing is stored", async () => {
    const { answer, closedAfterMs } = await heldFor(
      `PUT /recipe/role HTTP/1.1\r\n${host()}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"role":"slow-`,
    );
    expect(closedAfterMs).not.toBeNull();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const roles = (await (await fetch(`${core.url}/recipe/roles`)).json()) as { roles: string[] };
    expect(roles.roles).not.toContain("slow-");
  });
});

describe("the connection cap", () => {
  it("drops connections past the cap; the core answers again once they are gone", async () => {
    const held: Socket[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = connect(core.port, "127.0.0.1");
      socket.on("error", () => undefined);
      await new Promise((resolve) => socket.once("connect", resolve));
      held.push(socket);
    }
    // Give the server a moment to count them.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = await heldFor(`GET /hello HTTP/1.1\r\n${host()}\r\n`, 3000);
    expect(extra.closedAfterMs).not.toBeNull();
    expect(extra.answer).toBe("");
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await (await fetch(`${core.url}/hello`)).text()).toBe("Hello\n");
  });
});
