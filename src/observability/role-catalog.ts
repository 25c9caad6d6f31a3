/**
 * A role the config names (ROLE_PRECEDENCE, ADMIN_ROLE, DEFAULT_ROLE) that roles.json does not
 * declare is most likely a typo — or a role made in the core by hand. Not an error, but said once
 * per cold start. roles.json is imported, so it is in the bundle.
 */
import catalog from "../../roles.json" with { type: "json" };
import type { Config } from "../config/core.ts";
import { logger } from "./logger.ts";

const declared = new Set(Object.keys(catalog.roles));

/** The roles `config` names that roles.json does not declare, by variable. */
function undeclaredRoles(config: Config): Record<string, string[]> {
  const named: Record<string, string[]> = {
    ROLE_PRECEDENCE: config.rolePrecedence,
    ADMIN_ROLE: [config.adminRole],
    DEFAULT_ROLE: [config.defaultRole],
  };
  const missing: Record<string, string[]> = {};
  for (const [variable, roles] of Object.entries(named)) {
    const unknown = roles.filter((role) => !declared.has(role));
    if (unknown.length > 0) missing[variable] = unknown;
  }
  return missing;
}

/**
 * One WARN line when the config names roles roles.json does not declare. Called once per process, by
 * the pipeline's prepareProcess.
 */
export function warnAboutUndeclaredRoles(config: Config): void {
  const missing = undeclaredRoles(config);
  if (Object.keys(missing).length === 0) return;
  logger().warn("the config names roles that roles.json does not declare", {
    undeclared_roles: missing,
    declared_roles: [...declared],
  });
}
