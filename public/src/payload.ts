/** The part of the access token payload the demo shows: what `POST /update-role` writes. */
export interface AccessTokenPayload {
  role?: unknown;
  "st-role"?: { v?: unknown };
  "st-perm"?: { v?: unknown };
  [claim: string]: unknown;
}

export interface ShownRoles {
  role: string | undefined;
  roles: string[] | undefined;
  permissions: string[] | undefined;
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : undefined;
}

/** role = payload.role, roles = payload["st-role"].v, permissions = payload["st-perm"].v. */
export function rolesFromPayload(payload: AccessTokenPayload | undefined): ShownRoles {
  return {
    role: typeof payload?.role === "string" ? payload.role : undefined,
    roles: strings(payload?.["st-role"]?.v),
    permissions: strings(payload?.["st-perm"]?.v),
  };
}
