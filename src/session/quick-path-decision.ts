import type { SessionOptions } from "./guards.ts";

/**
 * The option keys under which the quick path answers exactly as getSession would, each with the
 * values it honours. An allow-list: a key not named here (a new supertokens-node option, a claim
 * override, `checkDatabase: true`, `antiCsrfCheck` set) sends the request to getSession.
 * test/unit/quick-path-decision.test.ts walks every key of SessionOptions.
 */
const QUICK_PATH_OPTIONS: Readonly<Record<string, (value: unknown) => boolean>> = {
  sessionRequired: (value) => typeof value === "boolean",
  // `false` is getSession's default: the token alone decides.
  checkDatabase: (value) => value === false,
  // Ours, read after verification by the pipeline itself (./guards.ts).
  requireRoles: Array.isArray,
  requirePermissions: Array.isArray,
  methods: Array.isArray,
};

/** Whether every option set is one the quick path honours; anything it cannot vouch for is refused. */
export function optionsAllowQuickPath(options: SessionOptions): boolean {
  return Object.entries(options).every(
    ([key, value]) =>
      value === undefined || (Object.hasOwn(QUICK_PATH_OPTIONS, key) && QUICK_PATH_OPTIONS[key]!(value)),
  );
}
