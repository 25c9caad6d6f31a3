import EmailPassword from "supertokens-node/recipe/emailpassword";
import UserRoles from "supertokens-node/recipe/userroles";
import type { Config } from "../config.ts";
import type { NamedRecipe } from "../session/supertokens.ts";

/** EmailPassword, where every new user gets the default role before their first session is made. */
export function emailPasswordRecipe(config: Config): NamedRecipe {
  return {
    name: "emailpassword",
    init: EmailPassword.init({
      override: {
        functions: (original) => ({
          ...original,
          signUp: async (input) => {
            const result = await original.signUp(input);
            if (result.status === "OK") {
              const granted = await UserRoles.addRoleToUser(
                input.tenantId,
                result.user.id,
                config.defaultRole,
              );
              if (granted.status !== "OK")
                throw new Error(`default role "${config.defaultRole}" is not in the core`);
            }
            return result;
          },
        }),
      },
    }),
  };
}
