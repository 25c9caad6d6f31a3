// Static, so esbuild inlines roles.json into the bundles: a function never reads a file at run time.
import bundled from "../../roles.json" with { type: "json" };
import { ROLE_NAME } from "../config/core.ts";

/** Whether roles.json declares `role`; own keys only, so "constructor" is not. */
export function isDeclaredRole(role: string): boolean {
  return ROLE_NAME.test(role) && Object.hasOwn(bundled.roles, role);
}
