// `npm run core`: the local core as a process.
import { parseArgs } from "node:util";
import { startLocalCore } from "./index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3567" },
    host: { type: "string", default: "127.0.0.1" },
    "api-key": { type: "string" },
    data: { type: "string" },
    "access-token-validity": { type: "string" },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port: ${values.port}`);
  process.exit(2);
}
const config: Record<string, unknown> = {};
if (values["access-token-validity"] !== undefined) {
  const seconds = Number(values["access-token-validity"]);
  if (!(seconds > 0)) {
    console.error(`invalid --access-token-validity: ${values["access-token-validity"]}`);
    process.exit(2);
  }
  config["access_token_validity"] = seconds;
}

const core = await startLocalCore({
  port,
  host: values.host,
  apiKey: values["api-key"],
  dataFile: values.data,
  config,
}).catch((error: unknown) => {
  console.error(`local core: ${error instanceof Error ? error.message : String(error)}`);
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
