/**
 * Access token size for 1, 10, 100 roles × 1, 100, 1,000 permissions, without and with the token budget
 * (src/roles/token-budget.ts). Both columns are tokens the core really signed: "without" sends the full
 * payload straight to the core, as supertokens-node did before the budget; "with" is the token
 * `update-role` issues through our Session override. `npm run bench` runs this as a child process (its
 * own supertokens-node init); alone: `tsx bench/token-size.ts [coreUrl] [--write]` prints the section, or
 * with --write replaces just this section of bench/results.md.
 */
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROLE_COUNTS = [1, 10, 100];
const PERMISSION_COUNTS = [1, 100, 1000];
/** Browsers keep a cookie only while its name and value stay within 4,096 bytes. */
const COOKIE_LIMIT = 4096;
const HEADING = "## Access token size";

interface Row {
  roles: number;
  permissions: number;
  before: { accessToken: number; frontToken: number };
  after: { accessToken: number; frontToken: number; compacted: string[] };
}

/** Runs the measurement in a child process against `coreUrl` and answers the markdown section. */
export async function tokenSizeSection(coreUrl: string): Promise<string> {
  const file = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", file, coreUrl], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  // The compaction warnings are expected here; shown only if the child fails.
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`token-size child exited ${code}:\n${err}`);
  return out;
}

async function measure(coreUrl: string): Promise<Row[]> {
  process.env.SUPERTOKENS_CONNECTION_URI = coreUrl;
  const [{ default: SuperTokens }, { default: Session }, { default: UserRoles }] = await Promise.all([
    import("supertokens-node"),
    import("supertokens-node/recipe/session"),
    import("supertokens-node/recipe/userroles"),
  ]);
  const { loadConfig } = await import("../src/config/index.ts");
  const { initSuperTokens } = await import("../src/session/supertokens.ts");
  const { rolesFromCore } = await import("../src/roles/from-core.ts");
  const { refreshRolesInSession, rolePayload } = await import("../src/roles/token-write.ts");
  const { COMPACTED_KEY } = await import("../src/roles/token-budget.ts");
  const config = initSuperTokens(loadConfig());
  const run = `${process.pid}-${Date.now().toString(36)}`;

  const rows: Row[] = [];
  let cell = 0;
  for (const roleCount of ROLE_COUNTS) {
    for (const permissionCount of PERMISSION_COUNTS) {
      cell += 1;
      // Same-length names in every cell, so cells differ only in counts.
      const roles = Array.from(
        { length: roleCount },
        (_, i) => `c${cell}-team-${String(i).padStart(3, "0")}`,
      );
      const permissionsOf = (i: number) =>
        Array.from({ length: Math.ceil(permissionCount / roleCount) }, (_, j) => i + j * roleCount)
          .filter((n) => n < permissionCount)
          .map((n) => `organisation:project-${cell}${String(n).padStart(4, "0")}:documents:write`);
      for (const [i, role] of roles.entries())
        await UserRoles.createNewRoleOrAddPermissions(role, permissionsOf(i));
      // Two users with ids of one length: one per column.
      const userId = `bench-size-${run}-${cell}-0`;
      await Promise.all(roles.map((role) => UserRoles.addRoleToUser("public", userId, role)));
      const state = await rolesFromCore(config, "public", userId);

      // Without the budget: the whole payload, signed by the core as it is.
      const response = await fetch(`${coreUrl}/public/recipe/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          userId,
          userDataInJWT: { iss: `${config.apiDomain}${config.apiBasePath}`, ...rolePayload(state) },
          userDataInDatabase: {},
          enableAntiCsrf: true,
          useDynamicSigningKey: true,
        }),
      });
      const created = (await response.json()) as { accessToken: { token: string; expiry: number } };
      const fullToken = created.accessToken.token;
      const fullPayload = JSON.parse(
        Buffer.from(fullToken.split(".")[1] ?? "", "base64url").toString("utf8"),
      );
      // supertokens-node's front token: base64 of {uid, ate, up}.
      const fullFront = Buffer.from(
        JSON.stringify({ uid: userId, ate: created.accessToken.expiry, up: fullPayload }),
      ).toString("base64");

      // With it: a session opened before the grants, then update-role's one regenerate.
      const fresh = `bench-size-${run}-${cell}-1`;
      const session = await Session.createNewSessionWithoutRequestResponse(
        "public",
        SuperTokens.convertToRecipeUserId(fresh),
      );
      await Promise.all(roles.map((role) => UserRoles.addRoleToUser("public", fresh, role)));
      await refreshRolesInSession(session, config);
      const tokens = session.getAllSessionTokensDangerously();
      const marker = session.getAccessTokenPayload()[COMPACTED_KEY];
      rows.push({
        roles: roleCount,
        permissions: permissionCount,
        before: { accessToken: fullToken.length, frontToken: fullFront.length },
        after: {
          accessToken: tokens.accessToken.length,
          frontToken: tokens.frontToken.length,
          compacted: Array.isArray(marker) ? marker : [],
        },
      });
    }
  }
  return rows;
}

function section(rows: Row[], budget: number): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const fits = (token: number) => (`sAccessToken=`.length + token <= COOKIE_LIMIT ? "✅" : "❌ dropped");
  const lines = [
    `${HEADING} (bytes; 1, 10, 100 roles × 1, 100, 1,000 permissions in all)`,
    "",
    `Budget: access token and front token ≤ ${n(budget)} bytes each (docs/roles.md). Permission names like \`organisation:project-N:documents:write\` (≈ 40 characters), role names like \`c1-team-000\`; permissions spread evenly over the roles. Both columns are tokens the local core signed (RS256, 2,048-bit key): "without" is the full payload as supertokens-node sent it before the budget, "with" is what \`update-role\` issues now.`,
    "",
    "| roles | permissions | without: access token | front token | browser keeps `sAccessToken`? | with: access token | front token | left out of the token |",
    "|---:|---:|---:|---:|:-:|---:|---:|---|",
  ];
  for (const row of rows)
    lines.push(
      `| ${n(row.roles)} | ${n(row.permissions)} | ${n(row.before.accessToken)} | ${n(row.before.frontToken)} | ${fits(row.before.accessToken)} | ${n(row.after.accessToken)} | ${n(row.after.frontToken)} | ${row.after.compacted.length > 0 ? row.after.compacted.map((claim) => `\`${claim}\``).join(", ") : "nothing"} |`,
    );
  lines.push(
    "",
    "Left out of the token means read from the core instead: `requirePermissions` / `requireRoles` refetch on every request anyway, the authorizer always reads the core, and `GET /session` reads it when the token says `compacted`.",
    "",
  );
  return lines.join("\n");
}

/** Puts `text` in place of this section in bench/results.md (or after the rest), leaving the others. */
async function writeSection(text: string): Promise<void> {
  const { readFile, writeFile } = await import("node:fs/promises");
  const file = fileURLToPath(new URL("results.md", import.meta.url));
  const current = await readFile(file, "utf8");
  const start = current.indexOf(HEADING);
  if (start === -1) return writeFile(file, `${current.trimEnd()}\n\n${text}`);
  const next = current.indexOf("\n## ", start + HEADING.length);
  await writeFile(file, current.slice(0, start) + text + (next === -1 ? "" : current.slice(next + 1)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const given = args.find((arg) => !arg.startsWith("--"));
  const { startLocalCore } = await import("../local-core/index.ts");
  const core = given ? undefined : await startLocalCore({ port: 0 });
  try {
    const rows = await measure(given ?? core!.url);
    const { ACCESS_TOKEN_BUDGET } = await import("../src/roles/token-budget.ts");
    const text = section(rows, ACCESS_TOKEN_BUDGET);
    // --write: refresh only this section of bench/results.md, without re-running the timed benches.
    if (args.includes("--write")) await writeSection(text);
    else process.stdout.write(text);
  } finally {
    await core?.close();
  }
  process.exit(0);
}
