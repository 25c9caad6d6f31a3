/**
 * The roles CLI: `npm run roles -- seed | grant <email|userId> <role> | revoke <email|userId> <role> | list <email|userId>`.
 * Exit codes: 0 done, 1 core unreachable or unexpected error, 2 usage, 3 unknown user, 4 unknown role.
 */
import { parseArgs } from "node:util";
import SuperTokens from "supertokens-node";
import UserRoles from "supertokens-node/recipe/userroles";
import { ConfigError, loadConfig } from "../src/config.ts";
import { readCatalog, seedRoles } from "../src/role-catalog.ts";
import { rolesFromCore } from "../src/roles.ts";
import { initSuperTokens } from "../src/supertokens.ts";

const TENANT = "public";
const USAGE = `usage: npm run roles -- <command>
  seed                        create the roles declared in roles.json (idempotent)
  grant  <email|userId> <role>  give a user a role
  revoke <email|userId> <role>  take a role from a user
  list   <email|userId>         show a user's roles and permissions
Reads SUPERTOKENS_CONNECTION_URI (default http://127.0.0.1:3567) and SUPERTOKENS_API_KEY.`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

async function resolveUser(who: string): Promise<string> {
  if (who.includes("@")) {
    const users = await SuperTokens.listUsersByAccountInfo(TENANT, { email: who });
    const user = users[0];
    if (!user) throw new CliError(`unknown user: no user has the email ${who}`, 3);
    return user.id;
  }
  if (!(await SuperTokens.getUser(who))) throw new CliError(`unknown user: ${who}`, 3);
  return who;
}

async function run(args: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { help: { type: "boolean", short: "h" } },
  });
  const [command, who, role] = positionals;
  if (values.help) return USAGE;
  const config = loadConfig();
  initSuperTokens(config);
  switch (command) {
    case "seed": {
      const result = await seedRoles(await readCatalog());
      return { seeded: result };
    }
    case "grant":
    case "revoke": {
      if (!who || !role || positionals.length !== 3) throw new CliError(USAGE, 2);
      const userId = await resolveUser(who);
      const change =
        command === "grant"
          ? await UserRoles.addRoleToUser(TENANT, userId, role)
          : await UserRoles.removeUserRole(TENANT, userId, role);
      if (change.status === "UNKNOWN_ROLE_ERROR")
        throw new CliError(`unknown role: ${role} (run "npm run roles -- seed"?)`, 4);
      return { userId, ...(await rolesFromCore(TENANT, userId, config.rolePrecedence)) };
    }
    case "list": {
      if (!who || positionals.length !== 2) throw new CliError(USAGE, 2);
      const userId = await resolveUser(who);
      return { userId, ...(await rolesFromCore(TENANT, userId, config.rolePrecedence)) };
    }
    default:
      throw new CliError(USAGE, 2);
  }
}

try {
  const output = await run(process.argv.slice(2));
  console.log(typeof output === "string" ? output : JSON.stringify(output));
} catch (error) {
  if (error instanceof CliError) {
    console.error(error.message);
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      `roles: ${/core|fetch|ECONNREFUSED|unavailable/i.test(message) ? "cannot reach the SuperTokens core" : "failed"}: ${message.split("\n")[0]}`,
    );
    process.exitCode = 1;
  }
}
