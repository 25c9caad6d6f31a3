import { readFile } from "node:fs/promises";
import UserRoles from "supertokens-node/recipe/userroles";
import * as v from "valibot";
// Static, so esbuild inlines roles.json into the bundles: a function never reads a file at run time.
import bundled from "../../roles.json" with { type: "json" };

import { ROLE_NAME } from "../config.ts";

export { ROLE_NAME } from "../config.ts";

/** roles.json: each role with its permissions. Built on demand so bundles that never parse stay free of it. */
const catalogSchema = () =>
  v.object({
    roles: v.record(v.pipe(v.string(), v.regex(ROLE_NAME)), v.array(v.pipe(v.string(), v.minLength(1)))),
  });
export type RoleCatalog = v.InferOutput<ReturnType<typeof catalogSchema>>;

export const CATALOG_FILE = /* @__PURE__ */ new URL("../../roles.json", import.meta.url);

/** Reads roles.json as it is on disk now (the CLI seeds from it). */
export async function readCatalog(file: URL | string = CATALOG_FILE): Promise<RoleCatalog> {
  const parsed = v.safeParse(catalogSchema(), JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) throw new Error(`roles.json is malformed: ${parsed.issues[0].message}`);
  return parsed.output;
}

/** Whether roles.json (as bundled at build time) declares `role`; own keys only, so "constructor" is not. */
export function isDeclaredRole(role: string): boolean {
  return ROLE_NAME.test(role) && Object.hasOwn(bundled.roles, role);
}

/** Creates every declared role with its permissions; running it again changes nothing. */
export async function seedRoles(catalog: RoleCatalog): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const [role, permissions] of Object.entries(catalog.roles)) {
    const result = await UserRoles.createNewRoleOrAddPermissions(role, permissions);
    (result.createdNewRole ? created : existing).push(role);
  }
  return { created, existing };
}
