// `npm run core`: the local core as a process.
import { parseCli, portOption, positiveNumberOption } from "../scripts/cli-args.ts";
import { HttpError } from "./errors.ts";
import { hostList } from "./host.ts";
import { startLocalCore } from "./index.ts";

const USAGE = `usage: npm run core -- [options]
  --port <n>                    port to listen on (default 3567; 0 picks a free one)
  --host <address>              interface to listen on (default 127.0.0.1)
  --api-key <key>               demand this API key (20+ characters: letters, digits, "=" and "-")
  --data <file>                 keep the state in this JSON file, across restarts
  --access-token-validity <s>   access token lifetime in seconds (default 3600)
  --allow-origins <o,o>         browser origins that may call the core, e.g. http://localhost:3001, or *
                                (default none: a request with an Origin header gets a 403)
  --allowed-hosts <h,h>         Host names served besides localhost, 127.0.0.1 and [::1] (with the port),
                                e.g. core.internal, or * for any (default none: others get a 403)
  -h, --help                    show this help
Exit codes: 0 stopped (Ctrl-C), 1 could not start (e.g. the port is in use), 2 usage.`;

const { values, fail } = parseCli({
  usage: USAGE,
  options: {
    port: { type: "string", default: "3567" },
    host: { type: "string", default: "127.0.0.1" },
    "api-key": { type: "string" },
    data: { type: "string" },
    "access-token-validity": { type: "string" },
    "allow-origins": { type: "string" },
    "allowed-hosts": { type: "string" },
  },
});

const port = portOption(values.port, "--port", fail, { allowZero: true });
const config: Record<string, unknown> = {};
if (values["access-token-validity"] !== undefined)
  config["access_token_validity"] = positiveNumberOption(
    values["access-token-validity"],
    "--access-token-validity",
    fail,
  );

const allowOrigins = values["allow-origins"]?.split(",").map((origin) => origin.trim());
for (const origin of allowOrigins ?? []) {
  // An origin is scheme://host[:port]; a path or a typo would never match a browser's Origin header.
  const valid =
    origin === "*" || (URL.canParse(origin) && new URL(origin).origin === origin.replace(/\/$/, ""));
  if (!valid)
    fail(
      `invalid --allow-origins: ${JSON.stringify(origin)} (expected origins like http://localhost:3001, or *)`,
    );
}

const core = await startLocalCore({
  port,
  host: values.host,
  apiKey: values["api-key"],
  dataFile: values.data,
  config,
  allowOrigins,
  allowedHosts: hostList(values["allowed-hosts"]),
}).catch((error: NodeJS.ErrnoException) => {
  // The core checks the key itself (as the real core does); a rejected key is a bad flag value.
  if (error instanceof HttpError && /API key/i.test(error.message))
    fail(`invalid --api-key: ${error.message}`);
  console.error(
    error.code === "EADDRINUSE"
      ? `local core: port ${port} on ${values.host} is already in use; pick another with --port`
      : `local core: ${error.message ?? String(error)}`,
  );
  process.exit(1);
});
console.log(`local core listening on ${core.url}`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  core.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
