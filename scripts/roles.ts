/**
 * The roles CLI: `npm run roles -- seed | grant <email|userId> <role> | revoke <email|userId> <role> | list <email|userId>`.
 * Exit codes: 0 done, 1 core unreachable or unexpected error, 2 usage, 3 unknown user, 4 unknown role,
 * 5 the core refused the API key (401), 6 a malformed environment variable.
 */
import { relative } from "node:path";
import SuperTokens from "supertokens-node";
import UserRoles from "supertokens-node/recipe/userroles";
import { type Config, ConfigError, loadConfig, ROLE_NAME } from "../src/config/index.ts";
import { isCoreUnavailable } from "../src/core-client/fetch-hook.ts";
import { readCatalog, seedRoles } from "../src/roles/catalog.ts";
import { rolesFromCore } from "../src/roles/from-core.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";
import { parseCli } from "./cli-args.ts";
import { readStackRecord, STACK_FILE } from "./stack-file.ts";

const TENANT = "public";
const USAGE = `usage: npm run roles -- <command>
  seed                          create the roles declared in roles.json (idempotent)
  grant  <email|userId> <role>  give a user a role
  revoke <email|userId> <role>  take a role from a user
  list   <email|userId>         show a user's roles and permissions
  -h, --help                    show this help
Talks to SUPERTOKENS_CONNECTION_URI (with SUPERTOKENS_API_KEY); when it is not set, to the core of the
running \`npm start\` (.data/stack.json), else to http://127.0.0.1:3567, and says which.
Exit codes: 0 done, 1 core unreachable or unexpected error, 2 usage, 3 unknown user, 4 unknown role,
  5 the core refused the API key (401: set SUPERTOKENS_API_KEY to one of the core's api_keys),
  6 a malformed environment variable (the message names it).`;

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

/** What a failed core call means for the user, or undefined when it is not about the core. */
function coreProblem(error: unknown, url: string, apiKey: string | undefined): CliError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  // supertokens-node reports a core's non-200 answer only in its message.
  const status = /with status code: (\d+)/.exec(message)?.[1];
  if (status === "401")
    return new CliError(
      apiKey
        ? `roles: the SuperTokens core at ${url} refused the API key in SUPERTOKENS_API_KEY (401): set it to one of the core's api_keys`
        : `roles: the SuperTokens core at ${url} wants an API key (401): set SUPERTOKENS_API_KEY`,
      5,
    );
  if (status)
    return new CliError(
      `roles: the SuperTokens core at ${url} answered ${status}: is SUPERTOKENS_CONNECTION_URI a SuperTokens core? (${message.split("\n")[0]})`,
      1,
    );
  if (isCoreUnavailable(error) || /ECONNREFUSED|ENOTFOUND|fetch failed/.test(message))
    return new CliError(`roles: cannot reach the SuperTokens core at ${url} (${rootCause(error)})`, 1);
  return undefined;
}

/** The innermost cause's code or message: ECONNREFUSED says more than "session service unavailable". */
function rootCause(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause; depth++)
    current = current.cause;
  const code = (current as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return current instanceof Error ? current.message : String(current);
}

/**
 * Without SUPERTOKENS_CONNECTION_URI, the core of the running `npm start` (whatever its ports), else
 * the default; either way one line on stderr says which core this is.
 */
function withStackCore(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.SUPERTOKENS_CONNECTION_URI) return env;
  const stack = readStackRecord();
  if (!stack) {
    console.error(
      "roles: core http://127.0.0.1:3567 (the default: SUPERTOKENS_CONNECTION_URI is not set and no npm start is running)",
    );
    return env;
  }
  console.error(
    `roles: core ${stack.coreUrl} (the running npm start's, from ${relative(process.cwd(), STACK_FILE)})`,
  );
  return { ...env, SUPERTOKENS_CONNECTION_URI: stack.coreUrl };
}

async function run(args: string[]): Promise<unknown> {
  const { positionals, fail } = parseCli({ usage: USAGE, options: {}, allowPositionals: true, args });
  const [, who = "", role = ""] = positionals;
  const command = positionals[0] ?? fail("missing command");
  const expected = ({ seed: 1, grant: 3, revoke: 3, list: 2 } as Record<string, number>)[command];
  if (expected === undefined) fail(`unknown command: ${command}`);
  if (positionals.length !== expected)
    fail(command === "list" ? "list needs <email|userId>" : `${command} needs <email|userId> <role>`);
  // Exactly a role name, as the user-roles API demands: " admin" is refused, not trimmed.
  if (expected === 3 && !ROLE_NAME.test(role))
    fail(`invalid role name ${JSON.stringify(role)}: letters, digits, _ : . - only (1 to 100, no spaces)`);
  const config = loadConfig(withStackCore(process.env));
  initSuperTokens(config);
  try {
    return await runCommand(command, who, role, config);
  } catch (error) {
    throw coreProblem(error, config.connectionUri, config.apiKey) ?? error;
  }
}

async function runCommand(command: string, who: string, role: string, config: Config) {
  switch (command) {
    case "seed": {
      const result = await seedRoles(await readCatalog());
      return { seeded: result };
    }
    case "grant":
    case "revoke": {
      const userId = await resolveUser(who);
      const change =
        command === "grant"
          ? await UserRoles.addRoleToUser(TENANT, userId, role)
          : await UserRoles.removeUserRole(TENANT, userId, role);
      if (change.status === "UNKNOWN_ROLE_ERROR")
        throw new CliError(`unknown role: ${role} (run "npm run roles -- seed"?)`, 4);
      return { userId, ...(await rolesFromCore(config, TENANT, userId)) };
    }
    default: {
      // list: the arguments were checked in run().
      const userId = await resolveUser(who);
      return { userId, ...(await rolesFromCore(config, TENANT, userId)) };
    }
  }
}

try {
  console.log(JSON.stringify(await run(process.argv.slice(2))));
} catch (error) {
  if (error instanceof CliError) {
    console.error(error.message);
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 6;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`roles: failed: ${message.split("\n")[0]}`);
    process.exitCode = 1;
  }
}
