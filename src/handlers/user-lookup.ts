import SuperTokens from "supertokens-node";
import type { SessionContainer } from "supertokens-node/recipe/session";
import type { Config } from "../config/core.ts";
import { errorResponse, type HttpResponse, jsonResponse } from "../http/model.ts";
import { rolesFromCore } from "../roles/from-core.ts";
import type { SessionRequest } from "../session/verify-session.ts";

/** The look-up's path: under /users/ so the user-roles function (`/users/*`, admin only) serves it. */
export const LOOKUP_PATH = /^\/users\/lookup\/?$/;

/** One address, no whitespace or control characters; the core does the rest of the matching. */
const EMAIL = /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,255}$/u;

/** What the admin API's handlers get from verifySession. */
export interface AdminRequest {
  session: SessionContainer;
  request: SessionRequest;
  config: Config;
}

/** GET /users/lookup?email=a@b.c → `{ userId, email, role, roles, permissions }`; 404 when nobody has it. */
export async function lookUpUser({ session, request, config }: AdminRequest): Promise<HttpResponse> {
  if (request.method !== "GET") return errorResponse(405, "use GET here");
  const given = request.multiQuery.email ?? [];
  if (given.length !== 1)
    return errorResponse(400, "give exactly one email: /users/lookup?email=someone@example.com");
  // Surrounding spaces are how a pasted address arrives; SuperTokens stores emails trimmed.
  const email = given[0]!.trim();
  if (!EMAIL.test(email)) return errorResponse(400, "not an email address");

  const tenantId = session.getTenantId();
  const users = await SuperTokens.listUsersByAccountInfo(tenantId, { email });
  const [user] = users;
  if (!user) return errorResponse(404, "no user has this email", { email });
  // Without account linking, one email can belong to several users (one per login method).
  if (users.length > 1)
    return errorResponse(409, "several users have this email", {
      email,
      userIds: users.map((found) => found.id),
    });
  const stored = user.emails.find((address) => address.toLowerCase() === email.toLowerCase()) ?? email;
  return jsonResponse(200, {
    userId: user.id,
    email: stored,
    ...(await rolesFromCore(config, tenantId, user.id)),
  });
}
