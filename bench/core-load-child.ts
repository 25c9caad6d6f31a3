/**
 * One function of functions/ in a process of its own (as on Lambda: nothing else loaded), in front
 * of the local core through a counting forwarder. Input (BENCH_INPUT, JSON): the function's file, what
 * to send, and the credentials the parent made. Prints one JSON line: core calls per warm request
 * (by route), regenerates, and latency.
 */
import { pathToFileURL } from "node:url";
import { httpApiAuthorizerEvent } from "../test/helpers/authorizer-events.ts";
import { startCountingProxy } from "../test/helpers/counting-proxy.ts";
import { httpApiEvent, type Reply, type RequestSpec, readLambdaResult } from "../test/helpers/events.ts";

export interface Credential {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export interface ChildInput {
  mode: "warm" | "load";
  source: string;
  coreUrl: string;
  /** warm: one user; load: every user sends `requestsPerUser` requests, all users at once. */
  users: Credential[];
  requests: number;
}

const input = JSON.parse(process.env.BENCH_INPUT ?? "{}") as ChildInput;
const proxy = await startCountingProxy(input.coreUrl);
process.env.SUPERTOKENS_CONNECTION_URI = proxy.url;
const module = (await import(pathToFileURL(input.source).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
  config?: { path: string; method?: string };
  lambdaOnly?: boolean;
};
const API_BASE_PATH = process.env.API_BASE_PATH ?? "/auth";

/** The request a warm user sends this function: a refresh for SuperTokens' routes, else its route. */
function requestFor(user: Credential): { kind: "http" | "authorizer"; spec: RequestSpec } {
  if (module.lambdaOnly) return { kind: "authorizer", spec: {} };
  const route = module.config?.path ?? "/";
  if (route.startsWith(`${API_BASE_PATH}/`))
    return {
      kind: "http",
      spec: {
        method: "POST",
        path: `${API_BASE_PATH}/session/refresh`,
        headers: { authorization: `Bearer ${user.refreshToken}`, "st-auth-mode": "header" },
      },
    };
  // A wildcard route gets the admin API's shape (`/users/*` → the user's roles), any other a segment.
  const path = route.endsWith("/*") ? route.replace("*", `${user.userId}/roles`) : route;
  return {
    kind: "http",
    spec: {
      method: module.config?.method ?? "GET",
      path,
      headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    },
  };
}

/** One request as the SDK sends it; the credentials follow what the answer issued. */
async function send(user: Credential): Promise<number> {
  const { kind, spec } = requestFor(user);
  const started = performance.now();
  if (kind === "authorizer") {
    await module.handler(httpApiAuthorizerEvent(user.accessToken), {});
    return performance.now() - started;
  }
  const reply: Reply = readLambdaResult(await module.handler(httpApiEvent(spec), {}));
  const took = performance.now() - started;
  if (reply.status >= 400)
    throw new Error(`${spec.method} ${spec.path} answered ${reply.status}: ${reply.body}`);
  user.accessToken = reply.headers.get("st-access-token") ?? user.accessToken;
  user.refreshToken = reply.headers.get("st-refresh-token") ?? user.refreshToken;
  return took;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

for (const user of input.users) await send(user);
proxy.reset();
const started = performance.now();
const times: number[] = [];
if (input.mode === "warm") {
  const user = input.users[0]!;
  for (let i = 0; i < input.requests; i++) times.push(await send(user));
} else {
  await Promise.all(
    input.users.map(async (user) => {
      for (let i = 0; i < input.requests; i++) times.push(await send(user));
    }),
  );
}
const wall = performance.now() - started;
const byRoute: Record<string, number> = {};
for (const path of proxy.paths) byRoute[path] = (byRoute[path] ?? 0) + 1;
console.log(
  JSON.stringify({
    requests: times.length,
    coreCalls: proxy.total,
    byRoute,
    maxInFlight: proxy.maxInFlight,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    wallMs: wall,
  }),
);
await proxy.close();
process.exit(0);
