/**
 * The demo seed writes 217 users with a published password and, with --reset, empties the database. It
 * must not do either to a database where real people sign in. Users the seed makes are @demo.af; users
 * the tests make are @test.example. Anyone else is a real user.
 */
export const SEED_EMAIL_DOMAINS = ["@demo.af", "@test.example"] as const;
export const ALLOW_REAL_USERS_FLAG = "--allow-real-users";

export function isSeedOrTestEmail(email: string): boolean {
  const e = email.trim().toLowerCase();
  return SEED_EMAIL_DOMAINS.some((d) => e.endsWith(d) && e.length > d.length);
}

/** The one-line refusal, or null when the seed may go on. */
export function realUsersRefusal(args: { realUserCount: number; examples: string[]; allowed: boolean }): string | null {
  if (args.realUserCount === 0 || args.allowed) return null;
  const shown = args.examples.slice(0, 3).join(", ");
  return `refusing to seed: this database has ${args.realUserCount} real user${args.realUserCount === 1 ? "" : "s"} (not @demo.af or @test.example, e.g. ${shown}); pass ${ALLOW_REAL_USERS_FLAG} if you really mean to`;
}
