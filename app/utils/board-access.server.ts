import { hasRole, type Actor } from "~/domain/actor";
import { boardScopeKey, type BoardScope } from "~/domain/board-links";
import { boardManagerScope, liveBoardLink, verifyBoardToken } from "~/models/board-token.server";
import { getOptionalUser, requireUser, type SessionUser } from "./auth.server";
import type { StreamLimit } from "~/models/board-hub.server";
import { env } from "./env.server";
import { isSessionActive } from "./session.server";

/**
 * Who may look at the wall board, and what: a supervisor or admin (the companies they work for), or a
 * TV holding a live board link (the companies of the link). Every board has a scope; there is no
 * board of "everything" for anyone who does not work for every company.
 */
export type BoardViewer =
  | { kind: "user"; user: SessionUser; scope: BoardScope }
  | { kind: "token"; tokenId: string; name: string; token: string; expiresAt: Date; scope: BoardScope };

export const BOARD_ROLES = ["SUPERVISOR", "ADMIN"] as const;

export function canManageBoard(user: Actor): boolean {
  return hasRole(user, ...BOARD_ROLES);
}

/**
 * `?token=` wins over the session (a TV has none). A bad, expired or revoked link is a 403, never a
 * fall-back to the session: what the URL asks for is what is checked. Without a token: pages redirect
 * to the login, the event stream answers 401 (an EventSource cannot follow a login page). A database
 * error while checking throws (a 500): nothing opens because a check could not run.
 */
export async function requireBoardViewer(request: Request, { stream = false }: { stream?: boolean } = {}): Promise<BoardViewer> {
  const token = new URL(request.url).searchParams.get("token");
  if (token !== null) {
    const found = await verifyBoardToken(token);
    if (!found) throw new Response("This board link is not valid (expired, revoked or mistyped).", { status: 403 });
    return { kind: "token", tokenId: found.id, name: found.name, token, expiresAt: found.expiresAt, scope: found.scope };
  }
  const user = stream ? await getOptionalUser(request) : await requireUser(request);
  if (!user) throw new Response("Unauthorized", { status: 401 });
  if (!canManageBoard(user)) throw new Response("Forbidden", { status: 403 });
  const scope = await boardManagerScope(user.id);
  if (!scope || scope.companyIds.length === 0) throw new Response("Forbidden: you are not assigned to any company.", { status: 403 });
  return { kind: "user", user, scope };
}

/**
 * What an open stream asks every few seconds: may this viewer still see this very scope? A link that
 * expired, was revoked or lost a company, a manager who lost the role, a company, their account or
 * their session (signed out, signed out everywhere, timed out), says no.
 */
export function boardStillAllowed(
  viewer: BoardViewer,
  { sessionStillActive = isSessionActive }: { sessionStillActive?: (sessionId: string) => Promise<boolean> } = {},
): () => Promise<boolean> {
  const opened = boardScopeKey(viewer.scope);
  if (viewer.kind === "token") {
    return async () => {
      const link = await liveBoardLink(viewer.tokenId);
      return !!link && boardScopeKey(link.scope) === opened;
    };
  }
  const { user } = viewer;
  return async () => {
    if (!(await sessionStillActive(user.sessionId))) return false;
    const scope = await boardManagerScope(user.id);
    return !!scope && boardScopeKey(scope) === opened;
  };
}

/** The client address Express saw (server.ts passes it in the load context); "unknown" when absent. */
export function clientAddressOf(context: unknown): string {
  const value = (context as { clientAddress?: unknown } | null | undefined)?.clientAddress;
  return typeof value === "string" && value.trim() !== "" ? value.trim() : "unknown";
}

/** The caps a new stream counts against: one per user or per link, one per client address. */
export function boardStreamLimits(viewer: BoardViewer, address: string): StreamLimit[] {
  const who =
    viewer.kind === "token"
      ? { key: `token:${viewer.tokenId}`, what: "this board link" }
      : { key: `user:${viewer.user.id}`, what: "this account" };
  return [
    {
      key: who.key,
      max: env.BOARD_STREAMS_PER_USER,
      message: `Too many open wall boards for ${who.what} (at most ${env.BOARD_STREAMS_PER_USER}). Close one and try again.`,
    },
    {
      key: `address:${address}`,
      max: env.BOARD_STREAMS_PER_ADDRESS,
      message: `Too many open wall boards from this address (at most ${env.BOARD_STREAMS_PER_ADDRESS}). Close one and try again.`,
    },
  ];
}
