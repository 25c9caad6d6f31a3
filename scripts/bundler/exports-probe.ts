import * as esbuild from "esbuild";

/** A module's export names and its format (CommonJS or ES module), read without bundling or running it. */
export async function probeExports(path: string): Promise<{ format: string | undefined; exports: string[] }> {
  const result = await esbuild.build({
    entryPoints: [path],
    bundle: false,
    write: false,
    metafile: true,
    format: "esm",
    outdir: "probe",
    logLevel: "silent",
  });
  return {
    format: Object.values(result.metafile.inputs)[0]?.format,
    exports: Object.values(result.metafile.outputs).flatMap((output) => output.exports),
  };
}
