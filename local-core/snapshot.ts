// The data file's JSON (format 1, plain objects) to and from the in-memory state (Maps).
// Object.fromEntries and Object.entries only touch own data properties, so ids such as
// `__proto__` or `constructor` round-trip as ordinary keys.
import type { AppState, CoreState, TenantRow } from "./state.ts";

type Dict<T> = Record<string, T>;

export const TABLES = [
  "tenants",
  "sessions",
  "refreshTokens",
  "users",
  "roles",
  "metadata",
  "resetTokens",
  "emailVerificationTokens",
  "passwordlessDevices",
] as const;
export const NESTED_TABLES = ["emailIndex", "userRoles"] as const;

type Table = (typeof TABLES)[number];
type NestedTable = (typeof NESTED_TABLES)[number];
export type StoredApp = Omit<AppState, Table | NestedTable | "verifiedEmails"> & {
  [K in Table]: Dict<AppState[K] extends Map<string, infer V> ? V : never>;
} & {
  [K in NestedTable]: Dict<Dict<AppState[K] extends Map<string, Map<string, infer V>> ? V : never>>;
} & { verifiedEmails: string[] };

const toDict = <T>(map: Map<string, T>): Dict<T> => Object.fromEntries(map);
const toMap = <T>(dict: Dict<T> | undefined): Map<string, T> => new Map(Object.entries(dict ?? {}));

function storeApp(app: AppState): StoredApp {
  const stored: Record<string, unknown> = { ...app, verifiedEmails: [...app.verifiedEmails] };
  for (const table of TABLES) stored[table] = toDict<unknown>(app[table]);
  for (const table of NESTED_TABLES)
    stored[table] = Object.fromEntries([...app[table]].map(([key, inner]) => [key, toDict<unknown>(inner)]));
  return stored as StoredApp;
}

/** An app from its stored form; missing tables are empty (an app's header alone is an empty app). */
export function loadApp(stored: StoredApp): AppState {
  const app: Record<string, unknown> = {
    ...stored,
    verifiedEmails: new Set(stored.verifiedEmails ?? []),
  };
  // Tables added after format 1 was first written may be missing from older files.
  for (const table of TABLES) app[table] = toMap<unknown>(stored[table]);
  for (const table of NESTED_TABLES)
    app[table] = new Map(
      Object.entries(stored[table] ?? {}).map(([key, inner]) => [key, toMap<unknown>(inner)]),
    );
  for (const tenant of (app["tenants"] as Map<string, TenantRow>).values()) tenant.thirdPartyProviders ??= [];
  return app as unknown as AppState;
}

export const serializeState = (state: CoreState): string =>
  JSON.stringify({
    format: state.format,
    apps: Object.fromEntries([...state.apps].map(([id, app]) => [id, storeApp(app)])),
  });

/** Throws when the text is not a local core data file. */
export function deserializeState(text: string): CoreState {
  const parsed = JSON.parse(text) as { format?: unknown; apps?: unknown };
  if (parsed?.format !== 1 || typeof parsed.apps !== "object" || parsed.apps === null)
    throw new Error("not a local core data file");
  const apps = Object.entries(parsed.apps as Dict<StoredApp>).map(([id, app]) => [id, loadApp(app)] as const);
  return { format: 1, apps: new Map(apps) };
}
