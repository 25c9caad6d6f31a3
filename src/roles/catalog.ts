import { readFile } from "node:fs/promises";
import UserRoles from "supertokens-node/recipe/userroles";
import * as v from "valibot";

/** roles.json: each role with its permissions. */
const CatalogSchema = v.object({
  roles: v.record(
    v.pipe(v.string(), v.regex(/^[\w:.-]{1,100}$/)),
    v.array(v.pipe(v.string(), v.minLength(1))),
  ),
});
export type RoleCatalog = v.InferOutput<typeof CatalogSchema>;

export const CATALOG_FILE = new URL("../../roles.json", import.meta.url);

export async function readCatalog(file: URL | string = CATALOG_FILE): Promise<RoleCatalog> {
  const parsed = v.safeParse(CatalogSchema, JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) throw new Error(`roles.json is malformed: ${parsed.issues[0].message}`);
  return parsed.output;
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
