import type { Role } from "./route-manifest";

/**
 * Who is doing something: the one shape every model, domain rule and job takes for "the person asking".
 * It is derived from the signed-in user (`SessionUser` extends it) and carries nothing a rule could use
 * to skip the database's own checks: an id and the roles the session was granted.
 */
export type Actor = { readonly id: string; readonly roles: readonly Role[] };

export function hasRole(actor: Actor, ...roles: readonly Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** An actor for a system process (a worker, a script), which holds no role and may act only where a rule says so. */
export function systemActor(id: string): Actor {
  return { id, roles: [] };
}
