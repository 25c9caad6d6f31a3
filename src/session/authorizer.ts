import type { AuthorizerAdapter, AuthorizerDecision } from "../http/adapters/authorizer.ts";
import { httpApiAuthorizer } from "../http/adapters/http-api-authorizer.ts";
import { restRequestAuthorizer } from "../http/adapters/rest-request-authorizer.ts";
import { restTokenAuthorizer } from "../http/adapters/rest-token-authorizer.ts";
import { type HttpRequest, isHttpResponse } from "../http/model.ts";
import { lambdaInvocation } from "../observability/invocation.ts";
import { beginInvocation, endInvocation } from "../observability/lifecycle.ts";
import { logInternalError } from "../observability/log-lines.ts";
import { userRolesNow } from "../roles/early-read.ts";
import { type RoleState, roleStateOf } from "../roles/from-core.ts";
import { type RoleRequirements, type SessionOptions, unmetRequirements } from "./guards.ts";
import { createPipeline } from "./pipeline.ts";
import { compileRoutes, requirementsOf } from "./route-requirements.ts";

export interface AuthorizerOptions
  extends RoleRequirements,
    Pick<SessionOptions, "checkDatabase" | "overrideGlobalClaimValidators" | "deferred"> {
  /**
   * Requirements of single routes, replacing the ones above for them: keyed by the route as the API
   * declares it, `GET /reports/{id}`, `ANY /files/{proxy+}`, or by its path alone for every method.
   * Every spelling API Gateway sends to a route is matched; a path that cannot be read safely is denied.
   */
  routes?: Record<string, RoleRequirements>;
  // checkDatabase: true costs one more core call and refuses a revoked session at once (not only at its
  // token's expiry). withEmailVerification(...) adds EMAIL_VERIFICATION=required's claim.
}

const ADAPTERS: readonly AuthorizerAdapter[] = [
  httpApiAuthorizer,
  restRequestAuthorizer,
  restTokenAuthorizer,
] as AuthorizerAdapter[];

/** API Gateway turns exactly this error message into a 401, which makes the frontend SDK refresh. */
const unauthorized = () => new Error("Unauthorized");

/**
 * The session as an API Gateway authorizer, for backends in any language: HTTP API (simple
 * responses), REST API REQUEST and TOKEN authorizers, told apart by their events. It verifies the
 * session like verifySession (header or cookie mode, anti-CSRF for state-changing methods in cookie
 * mode), reads the user's roles and permissions from the core, and answers Allow with them in the
 * context, Deny (403) when a route's requirement is missing, or throws `Unauthorized` (401) with no
 * valid session. It never sets cookies: the SDK refreshes through /auth/session/refresh. When the
 * core cannot answer, it fails closed (an error, which API Gateway answers with 500) and logs why.
 */
export function sessionAuthorizer(options: AuthorizerOptions = {}) {
  const { checkDatabase, overrideGlobalClaimValidators, deferred } = options;
  const pipeline = createPipeline({
    readsPermissions: true,
    session: { sessionRequired: true, checkDatabase, overrideGlobalClaimValidators, deferred },
  });
  const routes = compileRoutes(options.routes ?? {});
  const authorize = async (event: unknown): Promise<{ answer: unknown; status: number }> => {
    const adapter = ADAPTERS.find((candidate) => candidate.detect(event));
    if (!adapter) {
      logInternalError("authorizer", new Error("not an API Gateway authorizer event"));
      throw new Error("unsupported authorizer event");
    }
    let request: HttpRequest;
    try {
      request = adapter.decode(event);
    } catch {
      throw unauthorized();
    }
    const entered = await pipeline.enter(request);
    if (isHttpResponse(entered)) {
      // 5xx: the core could not verify; 403: a claim (a verified email) is missing, a Deny like a
      // missing role; anything else (401, malformed cookies, a preflight): no session.
      if (entered.status >= 500) throw new Error(`session unverifiable: ${entered.status} ${entered.body}`);
      if (entered.status === 403) return { answer: adapter.encode({ allow: false }, event), status: 403 };
      throw unauthorized();
    }
    const session = entered.session!;
    const [tenantId, userId] = [session.getTenantId(), session.getUserId()];
    let state: RoleState;
    try {
      const roles = await userRolesNow(entered.config, tenantId, userId, entered.earlyRoles);
      state = await roleStateOf(entered.config, roles, userId);
    } catch (error) {
      logInternalError("authorizer: reading roles from the core", error);
      throw new Error("session service unavailable");
    }
    // A path no route can be decided for is denied, never allowed by default.
    const need = requirementsOf(routes, adapter.route(event), options);
    const allowed = need !== undefined && unmetRequirements(need, state).length === 0;
    const decision: AuthorizerDecision = allowed
      ? {
          allow: true,
          principalId: userId,
          // REST API context values must be scalars: lists travel comma-joined.
          context: {
            userId,
            sessionHandle: session.getHandle(),
            tenantId,
            role: state.role ?? "",
            roles: state.roles.join(","),
            permissions: state.permissions.join(","),
          },
        }
      : { allow: false, principalId: userId };
    return { answer: adapter.encode(decision, event), status: allowed ? 200 : 403 };
  };
  return async (event: unknown, context?: unknown): Promise<unknown> => {
    const invocation = beginInvocation(lambdaInvocation(context as never), context);
    // Logged and counted like any function: 200 allowed, 403 denied, 401 no session, 500 failed closed.
    let status = 500;
    try {
      const { answer, status: decided } = await authorize(event);
      status = decided;
      return answer;
    } catch (error) {
      if (error instanceof Error && error.message === "Unauthorized") status = 401;
      throw error;
    } finally {
      await endInvocation(invocation, status);
    }
  };
}
