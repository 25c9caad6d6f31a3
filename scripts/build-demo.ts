/**
 * Bundles the demo page's script (public/src/app.ts, with supertokens-web-js) into public/app.js.
 * `tsx scripts/build-demo.ts` runs it; `buildDemo()` is what `npm start`, the e2e test and a Netlify build call.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { parseCli } from "./cli-args.ts";

export const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));
export const DEMO_ENTRY = fileURLToPath(new URL("../public/src/app.ts", import.meta.url));
export const DEMO_BUNDLE = fileURLToPath(new URL("../public/app.js", import.meta.url));

export interface BuildDemoOptions {
  /** Where to write the bundle; public/app.js by default (git-ignored: never commit it). */
  outfile?: string;
  /** Minify (default true). */
  minify?: boolean;
}

export interface BuiltDemo {
  outfile: string;
  bytes: number;
}

export async function buildDemo(options: BuildDemoOptions = {}): Promise<BuiltDemo> {
  const outfile = options.outfile ?? DEMO_BUNDLE;
  const result = await build({
    entryPoints: [DEMO_ENTRY],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    // Browsers from 2021 on: fetch, optional chaining, top-level module scripts.
    target: ["chrome90", "firefox90", "safari15", "edge90"],
    minify: options.minify ?? true,
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
    banner: { js: "// Built by scripts/build-demo.ts from public/src/app.ts. Do not edit or commit." },
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { outfile, bytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  parseCli({
    usage: `usage: npm run build:demo
Bundles public/src/app.ts into public/app.js (git-ignored). No options.
Exit codes: 0 built, 1 failed, 2 usage.`,
    options: {},
  });
  const { outfile, bytes } = await buildDemo();
  console.log(`demo bundle: ${outfile} (${(bytes / 1024).toFixed(1)} KiB)`);
}
