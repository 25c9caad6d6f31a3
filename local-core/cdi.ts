// Compile-time link between our handlers and the CDI 5.4 types shipped with supertokens-node.
import type { components, paths } from "supertokens-node/lib/ts/core/versions/5.4/schema";

export type CdiPath = keyof paths;
export type CdiMethod = "get" | "post" | "put" | "delete";

/** JSON body of the 200 answer of `method path` in CDI 5.4. */
export type ResponseOf<P extends CdiPath, M extends CdiMethod> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : never;

export type CdiUser = components["schemas"]["authRecipeUser"];
export type CdiJwk = components["schemas"]["jwk"];
export type CdiThirdPartyProvider = components["schemas"]["thirdPartyProviderConfig"];
