import * as v from "valibot";

/** A config problem, reported as one line: its stack is its message so logs stay readable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(`session-roles config: ${message}`);
    this.name = "ConfigError";
    this.stack = this.message;
  }
}

/** A variable's environment: names to raw values, unset or empty meaning "not set". */
export type Environment = Record<string, string | undefined>;

type EnvironmentSchema = v.ObjectSchema<v.ObjectEntries, undefined>;

/**
 * How one variable's usual values read without valibot. `read` takes the value as set (or the
 * default) and gives what the schema would give, or undefined for any value it does not take as it
 * is: then the schema reads the whole environment.
 */
export interface QuickVariable<T> {
  /** The schema's default, as it would be set. */
  default?: string;
  read(value: string): NonNullable<T> | undefined;
}

/** A quick reading of every variable of a schema. */
export type QuickVariables<S extends EnvironmentSchema> = {
  [K in keyof v.InferOutput<S>]-?: QuickVariable<v.InferOutput<S>[K]>;
};

/** An unset or empty variable is not set, as in most deploy tools' UIs (serverless.yml writes ''). */
const setValue = (env: Environment, name: string) => (env[name] === "" ? undefined : env[name]);

/**
 * `variables` read quickly from `env`, or undefined when any value needs the schema. A cold start
 * reads its environment before its first answer, and building and running the schemas there costs
 * about 2 ms (bench/COLD-START.md): values as deployments write them take this way.
 */
export function readQuickly<S extends EnvironmentSchema>(
  variables: QuickVariables<S>,
  env: Environment,
): v.InferOutput<S> | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(variables) as Array<[string, QuickVariable<unknown>]>) {
    const raw = setValue(env, name) ?? variable.default;
    if (raw === undefined) continue;
    const value = variable.read(raw);
    if (value === undefined) return undefined;
    out[name] = value;
  }
  return out as v.InferOutput<S>;
}

/**
 * `schema`'s variables of `env`, validated; throws one ConfigError naming the first bad variable and
 * its value as set (unless `secret` names it). With `quick`, the values it reads skip the schema,
 * which is built only when some value needs it: the schema stays the complete reading and words
 * every error.
 */
export function parseEnvironment<S extends EnvironmentSchema>(
  schema: () => S,
  env: Environment,
  secret: ReadonlySet<string>,
  quick?: QuickVariables<S>,
): v.InferOutput<S> {
  const quickly = quick && readQuickly(quick, env);
  if (quickly) return quickly;
  const built = schema();
  const present = Object.fromEntries(
    Object.keys(built.entries).flatMap((name) => {
      const value = setValue(env, name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const result = v.safeParse(built, present);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const name = String(issue.path?.[0]?.key ?? "environment");
  // The variable as it was set: a transformed value (a list, a number) would not be recognisable.
  const raw = present[name];
  const shown = raw !== undefined && !secret.has(name) ? ` (got "${raw.slice(0, 80)}")` : "";
  throw new ConfigError(`${name} ${issue.message}${shown}`);
}

/** Digits only, at most nine: what a whole-number variable may hold. */
const DIGITS = /^\d{1,9}$/;

/** A whole number from `min` to `max`, written in digits only; anything else fails with `message`. */
export const wholeNumber = (min: number, max: number, message: string) =>
  v.pipe(
    v.string(),
    v.regex(DIGITS, message),
    v.transform(Number),
    v.minValue(min, message),
    v.maxValue(max, message),
  );

/** `wholeNumber`'s quick reading. */
export const quickWholeNumber =
  (min: number, max: number) =>
  (value: string): number | undefined => {
    const number = DIGITS.test(value) ? Number(value) : Number.NaN;
    return number >= min && number <= max ? number : undefined;
  };

/** A quick reading that takes a value matching `pattern` as it is. */
export const quickMatching =
  (pattern: RegExp) =>
  (value: string): string | undefined =>
    pattern.test(value) ? value : undefined;

/** A quick reading that takes one of `values` exactly as written (other spellings go to the schema). */
export const quickOneOf =
  <T extends string>(values: readonly T[]) =>
  (value: string): T | undefined =>
    values.find((known) => known === value);
