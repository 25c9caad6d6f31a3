/** The role to show for `roles`: the first of `precedence` the user holds, else the first by name. */
export function pickRole(roles: readonly string[], precedence: readonly string[]): string | null {
  return precedence.find((role) => roles.includes(role)) ?? [...roles].sort()[0] ?? null;
}
