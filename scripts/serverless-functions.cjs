// serverless.yml's `functions`: one entry per function file, from the manifest `npm run build` writes
// (its zip, and the HTTP API routes of its `export const config`), plus `custom.extraFunctions` (other
// languages) as they are. CommonJS: Serverless `require`s it.
const { readFileSync, existsSync } = require("node:fs");
const { join, resolve } = require("node:path");

module.exports = async ({ resolveConfigurationProperty }) => {
  const dist = resolve(__dirname, "..", process.env.SESSION_ROLES_DIST || "dist");
  const manifest = join(dist, "functions.json");
  if (!existsSync(manifest))
    throw new Error(`no ${manifest}: run \`npm run build\` first (it writes the functions and their routes)`);
  const { functions } = JSON.parse(readFileSync(manifest, "utf8"));
  const extra = (await resolveConfigurationProperty(["custom", "extraFunctions"])) ?? {};
  const built = Object.fromEntries(
    functions.map((fn) => [
      fn.name,
      {
        handler: "index.handler",
        package: { artifact: fn.zip },
        events: fn.routes.map((route) => ({ httpApi: { method: route.method, path: route.path } })),
      },
    ]),
  );
  const clash = Object.keys(extra).find((name) => name in built);
  if (clash)
    throw new Error(`custom.extraFunctions.${clash} has the name of functions/${clash}.ts: rename one`);
  return { ...built, ...extra };
};
