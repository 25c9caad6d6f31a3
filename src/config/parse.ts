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

/**
 * `schema`'s variables of `env`, validated; throws one ConfigError naming the first bad variable and
 * its value as set (unless `secret` names it).
 */
export function parseEnvironment<S extends v.ObjectSchema<v.ObjectEntries, undefined>>(
  schema: S,
  env: Environment,
  secret: ReadonlySet<string>,
): v.InferOutput<S> {
  // An empty variable means "not set", as in most deploy tools' UIs (serverless.yml writes '' for unset).
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => Object.hasOwn(schema.entries, name) && value !== undefined && value !== "",
    ),
  );
  const result = v.safeParse(schema, present);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const name = String(issue.path?.[0]?.key ?? "environment");
  // The variable as it was set: a transformed value (a list, a number) would not be recognisable.
  const raw = present[name];
  const shown = raw !== undefined && !secret.has(name) ? ` (got "${raw.slice(0, 80)}")` : "";
  throw new ConfigError(`${name} ${issue.message}${shown}`);
}

/** A whole number from `min` to `max`, written in digits only; anything else fails with `message`. */
export const wholeNumber = (min: number, max: number, message: string) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,9}$/, message),
    v.transform(Number),
    v.minValue(min, message),
    v.maxValue(max, message),
  );
