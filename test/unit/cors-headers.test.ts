// A preflight to a function that verifies alone is answered from a list, not from supertokens-node:
// the list must be what supertokens-node itself would answer with Session and UserRoles.
import SuperTokens from "supertokens-node";
import { expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import { SESSION_ONLY_CORS_HEADERS } from "../../src/session/cors-headers.ts";
import { initSuperTokens } from "../../src/session/supertokens.ts";

it("is SuperTokens.getAllCORSHeaders() with Session and UserRoles, in its order", () => {
  initSuperTokens(loadConfig({ SUPERTOKENS_CONNECTION_URI: "http://127.0.0.1:1" }));
  expect([...SESSION_ONLY_CORS_HEADERS]).toEqual(SuperTokens.getAllCORSHeaders());
});
