// One measurement in a fresh process, driven by bench/run.ts. Input: the JSON in BENCH_INPUT.
//   cold:   import the bundle (or nothing: "bare"), serve one request, report the answer and maxRSS.
//   warm:   serve the same verify request many times (after a warm-up), report µs per request.
//   update: serve the role update many times, report ms per request.
//   phases: import the bundle, serve one request, print the marks, wait for "GO", serve a second
//           one, print the marks again (bench/phases.ts; run with or without --cpu-prof).
// Warm and update print "READY" after the warm-up and wait for "GO" on stdin, so the parent can
// clear the core's request log and count only the measured requests.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const input = JSON.parse(process.env.BENCH_INPUT ?? "{}");

/**
 * Peak RSS of this process in KiB. Not resourceUsage().maxRSS: on Linux that keeps the high-water
 * mark of the forked parent (the bench itself) across exec. VmHWM belongs to this process's image.
 */
function peakRssKiB() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const hwm = status.match(/^VmHWM:\s+(\d+) kB/m);
    if (hwm) return Number(hwm[1]);
  } catch {}
  return Math.round(process.memoryUsage().rss / 1024);
}

/** A Lambda result or an authorizer's answer that lets the request through. */
function succeeded(result) {
  return (
    result?.statusCode === 200 ||
    result?.isAuthorized === true ||
    result?.policyDocument?.Statement?.[0]?.Effect === "Allow"
  );
}
const statusOf = (result) =>
  result?.statusCode ?? (result?.isAuthorized !== undefined || result?.policyDocument ? "authorizer" : "?");

/** One answer line; `bench` tells it from a log line a bundle may print on stdout (Powertools' JSON). */
function answer(value) {
  process.stdout.write(`${JSON.stringify({ bench: true, ...value })}\n`);
}

/** A fresh copy per call: supertokens-node's awsLambda wrapper writes `event.session`. */
const copy = (event) => ({
  ...event,
  headers: { ...event.headers },
  cookies: event.cookies ? [...event.cookies] : undefined,
});

async function loadContender(contender) {
  if (contender.kind === "bundle") {
    // As Lambda's runtime loads a handler: `.mjs` with import(), CommonJS with require(). (import() of
    // a CommonJS file would also run Node's cjs-module-lexer over it to find its named exports.)
    const module = /\.c?js$/.test(contender.path)
      ? createRequire(import.meta.url)(contender.path)
      : await import(pathToFileURL(contender.path).href);
    const handler = module.handler ?? module.default?.handler;
    return (event) => handler(copy(event), {});
  }
  if (contender.kind === "st-lambda") {
    // supertokens-node's own awsLambda verifySession, straight from node_modules.
    const { default: SuperTokens } = await import("supertokens-node");
    const { default: Session } = await import("supertokens-node/recipe/session/index.js");
    const { verifySession } = await import("supertokens-node/recipe/session/framework/awsLambda/index.js");
    SuperTokens.init({
      framework: "awsLambda",
      supertokens: { connectionURI: process.env.SUPERTOKENS_CONNECTION_URI },
      appInfo: {
        appName: "bench",
        apiDomain: process.env.API_DOMAIN,
        websiteDomain: process.env.WEBSITE_DOMAIN,
      },
      recipeList: [Session.init()],
    });
    const handler = verifySession(async (event) => ({ statusCode: event.session ? 200 : 500, body: "" }));
    return (event) => handler(copy(event), {});
  }
  if (contender.kind === "jose") {
    const { createLocalJWKSet, jwtVerify } = await import("jose");
    const jwks = createLocalJWKSet(
      await (await fetch(`${process.env.SUPERTOKENS_CONNECTION_URI}/.well-known/jwks.json`)).json(),
    );
    return async () => {
      await jwtVerify(input.token, jwks);
      return { statusCode: 200 };
    };
  }
  throw new Error(`unknown contender ${contender.kind}`);
}

function waitForGo() {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      if (line.trim() === "GO") {
        lines.close();
        resolve();
      }
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

if (input.mode === "cold") {
  if (input.contender.kind === "bare") {
    answer({ statusCode: 0, maxRSS: peakRssKiB() });
  } else {
    const serve = await loadContender(input.contender);
    const result = await serve(input.event);
    answer({ statusCode: result.statusCode, maxRSS: peakRssKiB() });
  }
  process.exit(0);
}

if (input.mode === "warm" || input.mode === "update") {
  const serve = await loadContender(input.contender);
  for (let i = 0; i < input.warmup; i++) {
    const result = await serve(input.event);
    if (!succeeded(result))
      throw new Error(`warm-up answered ${statusOf(result)}: ${JSON.stringify(result)}`);
  }
  answer({ ready: true });
  await waitForGo();
  const batches = [];
  let failures = 0;
  for (let b = 0; b < input.batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < input.batchSize; i++) {
      const result = await serve(input.event);
      if (!succeeded(result)) failures++;
    }
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / input.batchSize);
  }
  answer({ microsPerRequest: median(batches), batches, failures, requests: input.batches * input.batchSize });
  process.exit(0);
}
if (input.mode === "phases") {
  // Every HTTP request this process makes (jose's JWKS fetch and our core client use node:http,
  // supertokens-node's own fetch goes through undici): start, headers, end, in hrtime µs, the clock
  // of the CPU profile's samples. Subscribing loads nothing the bundle would not load itself.
  const { default: diagnosticsChannel } = await import("node:diagnostics_channel");
  const us = () => Number(process.hrtime.bigint() / 1000n);
  const network = [];
  diagnosticsChannel.subscribe("http.client.request.start", ({ request }) => {
    const entry = { method: request.method, path: request.path.split("?")[0], start: us() };
    network.push(entry);
    request.once("response", (response) => {
      entry.headers = us();
      response.once("end", () => {
        entry.end = us();
      });
    });
    request.once("error", () => {
      entry.end ??= us();
    });
  });
  const undici = new WeakMap();
  diagnosticsChannel.subscribe("undici:request:create", ({ request }) => {
    const entry = { method: request.method, path: request.path.split("?")[0], start: us(), via: "undici" };
    undici.set(request, entry);
    network.push(entry);
  });
  diagnosticsChannel.subscribe("undici:request:headers", ({ request }) => {
    const entry = undici.get(request);
    if (entry) entry.headers = us();
  });
  for (const name of ["undici:request:trailers", "undici:request:error"])
    diagnosticsChannel.subscribe(name, ({ request }) => {
      const entry = undici.get(request);
      if (entry) entry.end ??= us();
    });

  const marks = { sinceProcessStart: performance.now(), importStart: us() };
  const serve = await loadContender(input.contender);
  marks.importEnd = us();
  const first = await serve(input.event);
  marks.firstEnd = us();
  answer({ step: "first", ok: succeeded(first), status: statusOf(first), marks, network });
  await waitForGo();
  marks.secondStart = us();
  const second = await serve(input.event);
  marks.secondEnd = us();
  answer({ step: "second", ok: succeeded(second), status: statusOf(second), marks, network });
  process.exit(0);
}
throw new Error(`unknown mode ${input.mode}`);
