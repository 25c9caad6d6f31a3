import { readFile } from "node:fs/promises";
import UserRoles from "supertokens-node/recipe/userroles";
import * as v from "valibot";
import { PERMISSION_NAME, ROLE_NAME } from "../config/core.ts";

export { PERMISSION_NAME, ROLE_NAME } from "../config/core.ts";
export { isDeclaredRole } from "./declared.ts";

/** roles.json: each role with its permissions. Built on demand so bundles that never parse stay free of it. */
const catalogSchema = () =>
  v.object({
    roles: v.record(
      v.pipe(v.string(), v.regex(ROLE_NAME, "a role name may hold letters, digits and _ : . - only")),
      v.array(
        v.pipe(
          v.string(),
          v.regex(PERMISSION_NAME, "a permission may hold no comma, space or control character"),
        ),
      ),
    ),
  });
export type RoleCatalog = v.InferOutput<ReturnType<typeof catalogSchema>>;

export const CATALOG_FILE = /* @__PURE__ */ new URL("../../roles.json", import.meta.url);

/** Reads roles.json as it is on disk now (the CLI seeds from it). */
export async function readCatalog(file: URL | string = CATALOG_FILE): Promise<RoleCatalog> {
  const parsed = v.safeParse(catalogSchema(), JSON.parse(await readFile(file, "utf8")));
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  // The entry by its path, e.g. roles.editor[1]: "content,write".
  const path = (issue.path ?? [])
    .map((step) => (typeof step.key === "number" ? `[${step.key}]` : `.${String(step.key)}`))
    .join("")
    .replace(/^\./, "");
  throw new Error(`roles.json: ${path || "the file"}: ${JSON.stringify(issue.input)}: ${issue.message}`);
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
