// A plain HTTP forwarder in front of the local core that counts how many requests are in flight at
// once: what a core sees, measured on the wire (nothing of the client is replaced).
import { createServer, request } from "node:http";
import { listenOnLoopback } from "./ports.ts";

export interface CountingProxy {
  url: string;
  /** Requests forwarded since start. */
  readonly total: number;
  /** The most requests in flight at one moment. */
  readonly maxInFlight: number;
  /** "METHOD /path" (no query) of each request forwarded. */
  readonly paths: readonly string[];
  /** In order: `→ METHOD /path` when a request arrives, `← METHOD /path` when its answer goes back. */
  readonly events: readonly string[];
  /** Starts counting afresh. */
  reset(): void;
  close(): Promise<void>;
}

/** `holdMs(path)`: how long to hold the core's answer to that path before sending it (a slow core). */
export async function startCountingProxy(
  target: string,
  options: { holdMs?: (path: string) => number } = {},
): Promise<CountingProxy> {
  let inFlight = 0;
  let maxInFlight = 0;
  let total = 0;
  let paths: string[] = [];
  let events: string[] = [];
  const server = createServer((incoming, outgoing) => {
    inFlight += 1;
    total += 1;
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    const call = `${incoming.method} ${path}`;
    paths.push(call);
    events.push(`→ ${call}`);
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = () => {
      inFlight -= 1;
    };
    const forwarded = request(
      new URL(incoming.url ?? "/", target),
      // The core answers only its own Host (DNS-rebinding guard): the forwarder speaks to it as itself.
      { method: incoming.method, headers: { ...incoming.headers, host: new URL(target).host } },
      (answer) => {
        setTimeout(() => {
          events.push(`← ${call}`);
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          answer.on("end", done);
        }, options.holdMs?.(path) ?? 0);
      },
    );
    forwarded.on("error", () => {
      done();
      outgoing.destroy();
    });
    incoming.pipe(forwarded);
  });
  const { url } = await listenOnLoopback(server);
  return {
    url,
    get total() {
      return total;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get paths() {
      return paths;
    },
    get events() {
      return events;
    },
    reset() {
      total = 0;
      maxInFlight = inFlight;
      paths = [];
      events = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
