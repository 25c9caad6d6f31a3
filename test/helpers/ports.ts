// Free ports for tests: every server a test starts listens on 127.0.0.1, port 0 (the system picks a
// free one), never on a fixed port.
import { once } from "node:events";
import { createServer, type Server } from "node:net";

/** `server` (http or net) listening on 127.0.0.1 at a free port: that port and its http URL. */
export async function listenOnLoopback(server: Server): Promise<{ port: number; url: string }> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on a TCP port");
  return { port: address.port, url: `http://127.0.0.1:${address.port}` };
}

/** A free TCP port for a process the test starts (the tiny race before it binds it is acceptable in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const { port } = await listenOnLoopback(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
