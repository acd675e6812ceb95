/**
 * Which database role connects for what (docs/decisions/010-audit-log-and-app-role.md):
 *  - DATABASE_URL is the OWNER: migrations (scripts/migrate.ts), the seed's reset, test and bench resets;
 *  - the app (web, workers, scripts that act as the app) connects as a role that owns nothing:
 *    APP_DATABASE_URL when set, otherwise DATABASE_URL with the user `af_app` and no password
 *    (local trust authentication; production sets APP_DATABASE_URL with its own password).
 * No import of env.server here: scripts and the test configuration use it before any env is parsed.
 */

export const DEFAULT_APP_ROLE = "af_app";

export function appDatabaseUrl(ownerUrl: string, explicitAppUrl?: string | null): string {
  if (explicitAppUrl) return explicitAppUrl;
  const url = new URL(ownerUrl);
  url.username = DEFAULT_APP_ROLE;
  url.password = "";
  return url.toString();
}

/** The role name (and password, if any) an app URL connects with. */
export function appRoleOf(appUrl: string): { role: string; password: string | null } {
  const url = new URL(appUrl);
  const role = decodeURIComponent(url.username);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`the app's database role must be a plain lower-case name, got "${role}"`);
  return { role, password: url.password ? decodeURIComponent(url.password) : null };
}
