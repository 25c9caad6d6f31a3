// Installs Lambda's Node runtimes (22, 24) into runtimes/ for the runtime matrix and the bench.
// They ship as npm packages with the binary inside; only linux-x64 builds are pinned, so elsewhere
// this says so and the matrix runs on the current Node alone.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

// `npm install --package-lock-only` (or `--dry-run`) runs this script too, and its flags reach the child
// npm through npm_config_*: `npm ci` would then empty runtimes/. Such an install leaves node_modules be.
const lockOnly = ["npm_config_package_lock_only", "npm_config_dry_run"].some(
  (name) => process.env[name] === "true",
);
if (lockOnly) {
  console.log("runtimes: left as they are (a lock-only or dry-run install)");
} else if (process.platform !== "linux" || process.arch !== "x64") {
  console.log(
    `runtimes: Lambda's Node binaries are pinned for linux-x64 only; skipped on ${process.platform}-${process.arch}`,
  );
} else {
  const npm = process.env.npm_execpath;
  const args = ["ci", "--prefix", "runtimes", "--no-audit", "--no-fund", "--loglevel", "error"];
  if (npm && existsSync(npm)) execFileSync(process.execPath, [npm, ...args], { stdio: "inherit" });
  else execFileSync("npm", args, { stdio: "inherit" });
}
