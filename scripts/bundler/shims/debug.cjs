// Trick 9: `debug` (+ ms, supports-color, ~10 KB) backs supertokens-node's logger only: it asks
// `debug.enabled("com.supertokens")`, calls `debug.enable(ns)` (init's debug: true) and logs lines.
// This keeps that contract, with DEBUG=<ns>[,<ns>…] and `*` wildcards, writing to stderr.
const patterns = [];
function enable(namespaces) {
  for (const part of String(namespaces ?? "").split(/[\s,]+/)) {
    if (!part) continue;
    const negate = part.startsWith("-");
    const body = (negate ? part.slice(1) : part).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*?");
    patterns.push({ negate, regex: new RegExp(`^${body}$`) });
  }
}
function enabled(namespace) {
  let on = false;
  for (const { negate, regex } of patterns) if (regex.test(namespace)) on = !negate;
  return on;
}
function debug(namespace) {
  const log = (...args) => {
    if (enabled(namespace))
      process.stderr.write(`${new Date().toISOString()} ${namespace} ${args.join(" ")}\n`);
  };
  log.namespace = namespace;
  Object.defineProperty(log, "enabled", { get: () => enabled(namespace) });
  return log;
}
debug.enable = enable;
debug.enabled = enabled;
debug.debug = debug;
debug.default = debug;
enable(process.env.DEBUG);
module.exports = debug;
