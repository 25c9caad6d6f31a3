import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Profile } from "./tricks.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FUNCTIONS_DIR = join(ROOT, "functions");

/** Functions that serve SuperTokens' own routes; every other function only verifies sessions. */
const ROUTE_FUNCTIONS = new Set(["auth"]);

export interface FunctionSpec {
  name: string;
  source: string;
  profile: Profile;
}

/** Every `functions/<name>.ts`, each one deployable function. */
export function listFunctions(): FunctionSpec[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -3);
      return {
        name,
        source: join(FUNCTIONS_DIR, file),
        profile: ROUTE_FUNCTIONS.has(name) ? "routes" : "verify",
      };
    });
}
