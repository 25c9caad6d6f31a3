/**
 * One way for every CLI of the repo to read its arguments (node:util parseArgs underneath):
 * `--help`/`-h` prints the usage and exits 0; an unknown option or a bad value prints one line
 * naming the problem, then the usage, and exits 2. Never a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** Exit code of a usage error, the same in every CLI of the repo. */
export const USAGE_EXIT_CODE = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CliSpec<O extends Options, P extends boolean> {
  /** Shown by `--help`, and after the problem line of a usage error. Starts with `usage: …`. */
  usage: string;
  options: O;
  allowPositionals?: P;
  /** Defaults to process.argv.slice(2). */
  args?: string[];
}

const HELP = { help: { type: "boolean", short: "h" } } as const;

/** Prints `<problem>` and the usage on stderr, exits 2. */
export function usageError(usage: string, problem: string): never {
  console.error(problem);
  console.error(usage);
  process.exit(USAGE_EXIT_CODE);
}

// parseArgs' messages run on ("… To specify a positional argument…"): the first sentence names the problem.
function firstSentence(message: string): string {
  const sentence = message.split(/\.\s|\.$|\n/)[0] ?? message;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

export function parseCli<const O extends Options, const P extends boolean = false>(spec: CliSpec<O, P>) {
  const config = {
    args: spec.args ?? process.argv.slice(2),
    options: { ...spec.options, ...HELP },
    allowPositionals: spec.allowPositionals ?? false,
    strict: true,
  } as { args: string[]; options: O & typeof HELP; allowPositionals: P; strict: true };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    // Only parseArgs' own errors (ERR_PARSE_ARGS_*) are usage errors; anything else is a bug.
    const code = (error as NodeJS.ErrnoException).code;
    if (!code?.startsWith("ERR_PARSE_ARGS_")) throw error;
    usageError(spec.usage, firstSentence((error as Error).message));
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(spec.usage);
    process.exit(0);
  }
  const fail = (problem: string): never => usageError(spec.usage, problem);
  return { values: parsed.values, positionals: parsed.positionals, fail };
}

/** A TCP port from a flag's value; `allowZero` for "0 picks a free one". */
export function portOption(
  raw: string,
  flag: string,
  fail: (problem: string) => never,
  { allowZero = false } = {},
): number {
  const port = Number(raw);
  const min = allowZero ? 0 : 1;
  if (!/^\d+$/.test(raw) || port < min || port > 65535)
    fail(`invalid ${flag}: ${JSON.stringify(raw)} (expected a port number, ${min}-65535)`);
  return port;
}

/** A number > 0 from a flag's value. */
export function positiveNumberOption(raw: string, flag: string, fail: (problem: string) => never): number {
  const value = Number(raw);
  if (raw.trim() === "" || !(value > 0) || !Number.isFinite(value))
    fail(`invalid ${flag}: ${JSON.stringify(raw)} (expected a number > 0)`);
  return value;
}
