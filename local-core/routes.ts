// Every endpoint of the local core.
import { accountLinkingRoutes } from "./recipes/accountlinking.ts";
import { coreRoutes } from "./recipes/core.ts";
import { emailPasswordRoutes } from "./recipes/emailpassword.ts";
import { emailVerificationRoutes } from "./recipes/emailverification.ts";
import { jwtRoutes } from "./recipes/jwt.ts";
import { metadataRoutes } from "./recipes/metadata.ts";
import { multitenancyRoutes } from "./recipes/multitenancy.ts";
import { passwordlessRoutes } from "./recipes/passwordless.ts";
import { sessionRoutes } from "./recipes/session.ts";
import { tenantUserRoutes } from "./recipes/tenant-users.ts";
import { thirdPartyRoutes } from "./recipes/thirdparty.ts";
import { thirdPartyConfigRoutes } from "./recipes/thirdparty-config.ts";
import { userSearchRoutes } from "./recipes/user-search.ts";
import { userRoleRoutes } from "./recipes/userroles.ts";
import { userRoutes } from "./recipes/users.ts";
import { Router } from "./router.ts";

export const createRouter = (): Router =>
  new Router([
    ...coreRoutes,
    ...sessionRoutes,
    ...jwtRoutes,
    ...multitenancyRoutes,
    ...thirdPartyConfigRoutes,
    ...tenantUserRoutes,
    ...emailPasswordRoutes,
    ...thirdPartyRoutes,
    ...passwordlessRoutes,
    ...userRoutes,
    ...userSearchRoutes,
    ...accountLinkingRoutes,
    ...userRoleRoutes,
    ...emailVerificationRoutes,
    ...metadataRoutes,
  ]);
