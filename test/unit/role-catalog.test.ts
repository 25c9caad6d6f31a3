// roles.json's naming rule: names travel comma-joined (the authorizer's context) and space-joined
// (`scope`), so a comma, a space or a control character is refused, in one line naming the entry.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG_FILE, readCatalog } from "../../src/roles/catalog.ts";

function catalogFile(roles: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "catalog-")), "roles.json");
  writeFileSync(file, JSON.stringify({ roles }));
  return file;
}

describe("roles.json", () => {
  it("the project's own file follows the rule", async () => {
    expect(Object.keys((await readCatalog(CATALOG_FILE)).roles).length).toBeGreaterThan(0);
  });

  it.each([
    [
      { editor: ["content,write"] },
      'roles.json: roles.editor[0]: "content,write": a permission may hold no comma',
    ],
    [
      { editor: ["content write"] },
      'roles.json: roles.editor[0]: "content write": a permission may hold no comma',
    ],
    [{ editor: ["ok", "tab\there"] }, "roles.json: roles.editor[1]:"],
    [{ editor: [""] }, 'roles.json: roles.editor[0]: "": a permission may hold no comma'],
    [
      { " admin": [] },
      'roles.json: roles. admin: " admin": a role name may hold letters, digits and _ : . - only',
    ],
    [{ "a,b": [] }, 'roles.json: roles.a,b: "a,b": a role name may hold'],
  ])("refuses %j in one line naming the entry", async (roles, message) => {
    const error = await readCatalog(catalogFile(roles)).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });
});
