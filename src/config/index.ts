/**
 * The configuration of the functions, one concern per file, each variable's schema, default and
 * error message in its file; every failure is a ConfigError naming the variable (src/config/parse.ts):
 *
 * - core.ts: the core, domains, cookies and anti-CSRF, roles precedence, token and fan-out settings
 *   (`runtimeConfig`, read once per cold start by every function);
 * - email.ts: email verification, delivery (outbox, SMTP) and the auth recipes' email settings;
 * - roles.ts: GRANTABLE_ROLES (user-roles only);
 * - observability.ts: LOG_LEVEL and Powertools' logging and metrics settings, read from the
 *   environment directly so an invalid config can still be logged.
 *
 * Modules under src/ import the file of their concern, not this index, so that a bundle carries only
 * the settings (and schemas) it reads. The edge gate's settings are not here: see src/edge/settings.ts.
 */
export * from "./core.ts";
export * from "./email.ts";
export * from "./observability.ts";
export * from "./parse.ts";
export * from "./roles.ts";
