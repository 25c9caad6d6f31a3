/**
 * The API Gateway authorizer (functions/authorizer.ts) next to the naive seed bundles: size, cold
 * start (from the phase rounds, bench/phases.ts) and warm answers with their core calls.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { type FunctionResult, lambdaZip } from "../scripts/bundler/bundle.ts";
import { kb } from "../scripts/bundler/report.ts";
import type { PhaseRow } from "./phases.ts";

interface WarmRun {
  microsPerRequest: number;
  failures: number;
  requests: number;
  coreCalls: string[];
}

export interface AuthorizerSectionInput {
  /** What it was measured on: `Node 22.23.5`. */
  runtime: string;
  fn: FunctionResult | undefined;
  naive: { path: string; bytes: number; gzipBytes: number };
  naiveVerify: { path: string; bytes: number; gzipBytes: number };
  rows: PhaseRow[];
  warm: Array<{ label: string; run: WarmRun }>;
  input: { batches: number; batchSize: number };
}

function perRequest(run: WarmRun): string {
  const counts = new Map<string, number>();
  for (const call of run.coreCalls) counts.set(call, (counts.get(call) ?? 0) + 1);
  const each = [...counts].map(([call, n]) => `${(n / run.requests).toFixed(2)}× \`${call}\``).join(", ");
  return `${(run.coreCalls.length / run.requests).toFixed(2)}${each ? ` (${each})` : ""}`;
}

export function authorizerSection(r: AuthorizerSectionInput): string {
  const lines: string[] = [];
  const row = (label: string) => r.rows.find((candidate) => candidate.contender.label === label);
  const authorizer = row("authorizer");
  const naiveVerify = row("naive seed, verify only (awsLambda verifySession, no-op handler)");
  const naive = row("naive seed bundle (verify + merge)");
  const zip = (path: string) => lambdaZip({ [basename(path)]: readFileSync(path) }).byteLength;
  lines.push(
    `## The authorizer next to the naive seed bundle, on ${r.runtime}`,
    "",
    "`functions/authorizer.ts` (Lambda only) answers an HTTP API authorizer event (payload 2.0, simple responses) for a header-mode token: it verifies the session like `verifySession`, then reads the user's roles and their permissions from the core on every call (so a revoked role is refused at once). The naive bundles only verify (and the seed merges a claim with one regenerate).",
    "",
    "| bundle | minified KiB | gzip KiB | zip KiB | import (ms) | 1st answer (ms) | cold: import + 1st (ms) | 2nd answer (ms) | warm µs / request | core calls / request (warm) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  const sizes = [
    r.fn
      ? {
          bytes: r.fn.lambda.bytes,
          gzip: r.fn.lambda.gzipBytes,
          zip: r.fn.lambda.zipBytes,
        }
      : undefined,
    { bytes: r.naiveVerify.bytes, gzip: r.naiveVerify.gzipBytes, zip: zip(r.naiveVerify.path) },
    { bytes: r.naive.bytes, gzip: r.naive.gzipBytes, zip: zip(r.naive.path) },
  ];
  [authorizer, naiveVerify, naive].forEach((phase, i) => {
    const warm = r.warm[i];
    const size = sizes[i];
    if (!warm) return;
    const ms = (n: number | undefined) => (n === undefined ? "–" : n.toFixed(1));
    lines.push(
      `| ${warm.label} | ${size ? kb(size.bytes) : "–"} | ${size ? kb(size.gzip) : "–"} | ${size ? kb(size.zip) : "–"} | ${ms(phase?.import)} | ${ms(phase?.first)} | ${phase ? ms(phase.import + phase.first) : "–"} | ${phase ? phase.second.toFixed(2) : "–"} | ${warm.run.microsPerRequest.toFixed(0)}${warm.run.failures ? ` (${warm.run.failures} failed!)` : ""} | ${perRequest(warm.run)} |`,
    );
  });
  lines.push(
    "",
    `Cold columns: the same processes as "Cold start by phase" (medians, times inside the process). Warm: one process each, median of ${r.input.batches} batches of ${r.input.batchSize} requests after a warm-up, every core call counted in the local core's log. The authorizer's warm answer is mostly its two or more core reads (roles, then each role's permissions, in parallel); the naive verify-only bundle makes none.`,
    "",
  );
  return lines.join("\n");
}
