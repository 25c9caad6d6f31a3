// One measurement in a fresh process, driven by bench/run.ts. Input: the JSON in BENCH_INPUT.
//   cold:   import the bundle (or nothing: "bare"), serve one request, report the answer and maxRSS.
//   warm:   serve the same verify request many times (after a warm-up), report µs per request.
//   update: serve the role update many times, report ms per request.
// Warm and update print "READY" after the warm-up and wait for "GO" on stdin, so the parent can
// clear the core's request log and count only the measured requests.
import { readFileSync } from "node:fs";
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

function answer(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A fresh copy per call: supertokens-node's awsLambda wrapper writes `event.session`. */
const copy = (event) => ({
  ...event,
  headers: { ...event.headers },
  cookies: event.cookies ? [...event.cookies] : undefined,
});

async function loadContender(contender) {
  if (contender.kind === "bundle") {
    const module = await import(pathToFileURL(contender.path).href);
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
    if (result.statusCode !== 200) throw new Error(`warm-up answered ${result.statusCode}: ${result.body}`);
  }
  answer({ ready: true });
  await waitForGo();
  const batches = [];
  let failures = 0;
  for (let b = 0; b < input.batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < input.batchSize; i++) {
      const result = await serve(input.event);
      if (result.statusCode !== 200) failures++;
    }
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / input.batchSize);
  }
  answer({ microsPerRequest: median(batches), batches, failures, requests: input.batches * input.batchSize });
  process.exit(0);
}
throw new Error(`unknown mode ${input.mode}`);
