import * as v from "valibot";
import { type Environment, parseEnvironment } from "./parse.ts";

/**
 * Which roles PUT may grant: `declared` (default) only the roles in roles.json, `any` every role the
 * core holds (for deployments that manage roles outside roles.json). Revoking works for any role.
 */
export type Grantable = "declared" | "any";

/** `GRANTABLE_ROLES` (read by user-roles only): unset or `declared`, or `any`; anything else is a ConfigError. */
export function grantableFromEnv(env: Environment = process.env): Grantable {
  const schema = () =>
    v.object({
      GRANTABLE_ROLES: v.optional(
        v.pipe(
          v.string(),
          v.transform((value) => value.trim()),
          v.picklist(["declared", "any"], 'must be "declared" or "any"'),
        ),
        "declared",
      ),
    });
  return parseEnvironment(schema, env, new Set()).GRANTABLE_ROLES;
}

let fromEnvironment: Grantable | undefined;

/** GRANTABLE_ROLES from the environment, read once per cold start (at user-roles' first request). */
export function grantableRoles(): Grantable {
  fromEnvironment ??= grantableFromEnv();
  return fromEnvironment;
}
