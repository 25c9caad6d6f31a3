/**
 * The Node runtimes the bundles are measured and tested on: the Node running this script, and
 * Lambda's nodejs22.x and nodejs24.x from runtimes/ (installed by the root postinstall from the npm
 * registry, scripts/install-runtimes.mjs). A runtime whose binary is absent (not linux-x64) is left out.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./functions.ts";

export interface NodeRuntime {
  /** `Node 22.23.5`: what a table says it was measured on. */
  label: string;
  /** The major version: 20, 22, 24. */
  major: number;
  /** The binary. */
  path: string;
}

/** Lambda's runtimes in runtimes/node_modules (package aliases node22, node24). */
const LAMBDA_RUNTIMES = ["node22", "node24"] as const;

function runtimePath(name: (typeof LAMBDA_RUNTIMES)[number]): string {
  return join(ROOT, "runtimes", "node_modules", name, "bin", "node");
}

function describe(path: string): NodeRuntime {
  const version = execFileSync(path, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
  return { label: `Node ${version}`, major: Number(version.split(".")[0]), path };
}

/** Lambda's runtimes that are installed here, oldest first. */
function lambdaRuntimes(): NodeRuntime[] {
  return LAMBDA_RUNTIMES.map(runtimePath)
    .filter((path) => existsSync(path))
    .map(describe);
}

/** The Node running this process, then Lambda's runtimes (each once, by major version). */
export function benchRuntimes(): NodeRuntime[] {
  const current: NodeRuntime = {
    label: `Node ${process.versions.node}`,
    major: Number(process.versions.node.split(".")[0]),
    path: process.execPath,
  };
  return [current, ...lambdaRuntimes().filter((runtime) => runtime.major !== current.major)];
}
