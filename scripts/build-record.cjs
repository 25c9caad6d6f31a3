// Whether the build in dist/ is what `functions/` and `src/` hold now: `npm run build` records the
// hash of every project file its bundles were made from (functions.json `sources`), and `serverless
// package` / `deploy` (scripts/deploy-guard.cjs) refuse a build that lacks a function, has one whose
// file is gone, or was made from files that changed since. CommonJS: the Serverless plugin requires it.
const { createHash } = require("node:crypto");
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { join, relative } = require("node:path");

/** The hash recorded for a file: its content's, so a touch or a checkout of the same content is no change. */
function fileHash(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
}

/** Every function file's name (`functions/<name>.ts`), as the build finds them. */
function functionNames(root) {
  return readdirSync(join(root, "functions"))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => file.slice(0, -3))
    .sort();
}

const list = (names) =>
  names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");

/** Why the build in `dist` must not be deployed, in one sentence; undefined when it is current. */
function buildProblem(root, dist) {
  const inside = relative(root, dist);
  const where = inside.startsWith("..") ? dist : inside || ".";
  const manifest = join(dist, "functions.json");
  if (!existsSync(manifest)) return `there is no build in ${where}/`;
  const { functions = [], sources } = JSON.parse(readFileSync(manifest, "utf8"));
  if (!sources) return `the build in ${where}/ does not say what it was built from`;
  const built = functions.map((fn) => fn.name);
  const files = functionNames(root);
  const missing = files.filter((name) => !built.includes(name));
  if (missing.length > 0)
    return `the build in ${where}/ lacks ${list(missing.map((name) => `functions/${name}.ts`))}${missing.length < files.length / 2 ? "" : " (a partial build, npm run build -- --only)"}: deploying it would remove ${missing.length === 1 ? "that function" : "those functions"}`;
  const gone = built.filter((name) => !files.includes(name));
  if (gone.length > 0) return `the build in ${where}/ has ${list(gone)}, whose file is gone from functions/`;
  const changed = Object.entries(sources)
    .filter(([file, hash]) => !existsSync(join(root, file)) || fileHash(join(root, file)) !== hash)
    .map(([file]) => file);
  if (changed.length > 0) return `${list(changed)} changed since the build in ${where}/`;
  return undefined;
}

module.exports = { buildProblem, fileHash, functionNames };
