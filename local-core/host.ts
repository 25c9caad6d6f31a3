// DNS rebinding: a page on attacker.example whose name re-resolves to 127.0.0.1 reaches a loopback server
// from the browser, with `Host: attacker.example`. Loopback servers here (the local core, the demo page)
// serve only loopback names with their own port, plus the hosts they are told to; `*` allows any.

/** Names that always reach this machine: a rebinding attacker cannot make a page's origin one of them. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

const HOST = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/;

/** A comma-separated list (an option or variable) as names, without blanks. */
export function hostList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((host) => host.trim())
    .filter((host) => host !== "");
}

/**
 * Whether a request with this `Host` header, received on `port`, is served. Loopback names must carry
 * that port (or none on port 80); a listed name is served on any port; `*` serves every host.
 */
export function hostAllowed(header: string | undefined, port: number, allowed: readonly string[]): boolean {
  if (allowed.includes("*")) return true;
  const host = header?.trim().toLowerCase();
  const match = host === undefined ? null : HOST.exec(host);
  if (match === null) return false;
  const name = match[1] ?? "";
  const given = match[2] === undefined ? 80 : Number(match[2]);
  if (LOOPBACK_NAMES.has(name)) return given === port;
  return allowed.some((entry) => entry.toLowerCase() === name || entry.toLowerCase() === host);
}

/** The 403 answer's body: names the host (cut short) and how to allow it. */
export function hostRefusal(header: string | undefined, how: string): string {
  return JSON.stringify({
    message: `host not allowed: ${JSON.stringify((header ?? "").slice(0, 100))}; this server answers localhost, 127.0.0.1 and [::1] with its port (${how})`,
  });
}
