// Serverless plugin (serverless.yml `plugins`): refuses, in one line, to package or deploy what would
// silently break or leak in production. Any stage: an API key or SMTP password that would be written
// into the CloudFormation template in plain text. Any stage but the local ones (custom.deployGuard.localStages,
// default [dev], which sls offline uses): a localhost or 127.0.0.1 API_DOMAIN, WEBSITE_DOMAIN or
// SUPERTOKENS_CONNECTION_URI, i.e. domain variables that were not exported; OUTBOX_FILE (emails to the
// logs); an http:// or trailing-slash API_DOMAIN / WEBSITE_DOMAIN. CommonJS: Serverless
// `require`s plugins.

const { resolve } = require("node:path");
const { buildProblem } = require("./build-record.cjs");

const ROOT = resolve(__dirname, "..");
const LOCAL_URL_VARIABLES = ["API_DOMAIN", "WEBSITE_DOMAIN", "SUPERTOKENS_CONNECTION_URI"];
/** Where browsers meet the functions: cookies and the JWT issuer are built from these. */
const SITE_VARIABLES = ["API_DOMAIN", "WEBSITE_DOMAIN"];

const setIn = (env, name) => typeof env[name] === "string" && env[name] !== "";
const listed = (env, names) => names.map((name) => `${name}=${env[name]}`).join(", ");

/** Hosts only the deploying machine can reach. */
function isLocalHost(hostname) {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === "0.0.0.0" ||
    host === "::1"
  );
}

function isLocalUrl(value) {
  try {
    return isLocalHost(new URL(value).hostname);
  } catch {
    return false;
  }
}

/** A CloudFormation dynamic reference ({{resolve:ssm:…}}, {{resolve:secretsmanager:…}}): only the reference is in the template. */
const isDynamicReference = (value) => /^\{\{resolve:(ssm|ssm-secure|secretsmanager):[^}]+\}\}$/.test(value);

/** Each environment that will be deployed: the provider's, and each function's on top of it. */
function environments(service) {
  const provider = service.provider?.environment ?? {};
  const functions = Object.entries(service.functions ?? {});
  if (functions.length === 0) return [["provider", provider]];
  return functions.map(([name, fn]) => [`function ${name}`, { ...provider, ...(fn?.environment ?? {}) }]);
}

/** Why this service must not be packaged for `stage`, as short sentences; empty when it may. */
function problemsOf(service, stage, localStages = ["dev"]) {
  const problems = new Set();
  const local = localStages.includes(stage);
  for (const [, env] of environments(service)) {
    const key = env.SUPERTOKENS_API_KEY;
    const parameter = env.SUPERTOKENS_API_KEY_PARAMETER;
    if (typeof key === "string" && key !== "" && !isDynamicReference(key))
      problems.add(
        "SUPERTOKENS_API_KEY would be written into the CloudFormation template in plain text; keep the key in SSM and set the supertokensApiKeyParameter param (read at run time) or pass a {{resolve:ssm:…}} reference (README → Deploying)",
      );
    const smtpPassword = env.SMTP_PASSWORD;
    if (typeof smtpPassword === "string" && smtpPassword !== "" && !isDynamicReference(smtpPassword))
      problems.add(
        "SMTP_PASSWORD would be written into the CloudFormation template in plain text; pass a {{resolve:secretsmanager:…}} reference as the smtpPassword param (README → Deploying)",
      );
    if (typeof key === "string" && key !== "" && typeof parameter === "string" && parameter !== "")
      problems.add("set SUPERTOKENS_API_KEY or SUPERTOKENS_API_KEY_PARAMETER, not both");
    if (typeof parameter === "string" && parameter !== "" && !parameter.startsWith("/"))
      problems.add(
        `SUPERTOKENS_API_KEY_PARAMETER must be an SSM parameter path starting with / (got "${parameter}")`,
      );
    if (local) continue;
    const localOnes = LOCAL_URL_VARIABLES.filter(
      (name) => typeof env[name] === "string" && isLocalUrl(env[name]),
    );
    if (localOnes.length > 0)
      problems.add(
        `${localOnes.map((name) => `${name}=${env[name]}`).join(", ")} ${localOnes.length === 1 ? "is a local address" : "are local addresses"}: export the deployed URL${localOnes.length === 1 ? "" : "s"} (https://…) before packaging (README → Deploying)`,
      );
    if (setIn(env, "OUTBOX_FILE"))
      problems.add(
        `OUTBOX_FILE=${env.OUTBOX_FILE} is for local stacks: no email would be sent and every reset link would go to the logs; unset it (README → Emails)`,
      );
    const plainHttp = SITE_VARIABLES.filter(
      (name) => setIn(env, name) && /^http:/i.test(env[name]) && !isLocalUrl(env[name]),
    );
    if (plainHttp.length > 0)
      problems.add(
        `${listed(env, plainHttp)}: plain http, where browsers drop cross-site cookies (no Secure); use https:// (README → Deploying)`,
      );
    const slashed = SITE_VARIABLES.filter((name) => setIn(env, name) && env[name].endsWith("/"));
    if (slashed.length > 0)
      problems.add(
        `${listed(env, slashed)}: drop the trailing slash (the JWT authorizer's issuer would be …//auth and refuse every token) (README → Deploying)`,
      );
  }
  return [...problems];
}

/**
 * Runtimes AWS Lambda runs that serverless@3's schema predates (it would warn "unsupported runtime" on
 * every command): nodejs22.x for the functions, python3.12 for the Python example.
 */
const NEWER_RUNTIMES = ["nodejs22.x", "python3.12"];

class DeployGuard {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    // Plugins load before the configuration is validated: the schema is extended, not the check turned off.
    const runtimes = serverless.configSchemaHandler?.schema?.definitions?.awsLambdaRuntime?.enum;
    if (Array.isArray(runtimes))
      for (const runtime of NEWER_RUNTIMES) if (!runtimes.includes(runtime)) runtimes.push(runtime);
    const check = () => this.check();
    this.hooks = {
      "before:package:initialize": check,
      // `deploy --package <dir>` skips packaging: check what is deployed all the same.
      "before:deploy:deploy": check,
    };
  }

  check() {
    // What would be deployed first: a partial or stale build would silently remove or keep old functions.
    const stale = buildProblem(ROOT, resolve(ROOT, process.env.SESSION_ROLES_DIST || "dist"));
    if (stale)
      throw new this.serverless.classes.Error(`session-roles: ${stale}; run \`npm run build\` first`);
    const service = this.serverless.service;
    const stage = this.options.stage ?? service.provider?.stage ?? "dev";
    const localStages = service.custom?.deployGuard?.localStages ?? ["dev"];
    const problems = problemsOf(service, stage, localStages);
    if (problems.length > 0)
      throw new this.serverless.classes.Error(
        `session-roles deploy guard (stage ${stage}): ${problems.join("; ")}`,
      );
  }
}

module.exports = DeployGuard;
module.exports.problemsOf = problemsOf;
