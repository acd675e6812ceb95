import { AppError } from "~/domain/app-error";
import { boardScopeKey, canManageBoard, type BoardScope } from "~/domain/board-links";
import type { SessionUser } from "~/utils/auth.server";
import { env } from "~/utils/env.server";
import { isSessionActive } from "~/utils/session.server";
import type { StreamLimit } from "./board-hub.server";
import { boardManagerScope, liveBoardLink, verifyBoardToken } from "./board-token.server";

/**
 * Who may look at the wall board, and what: a supervisor or admin (the companies they work for), or a
 * TV holding a live board link (the companies of the link). Every board has a scope; there is no
 * board of "everything" for anyone who does not work for every company.
 */
export type BoardViewer =
  | { kind: "user"; user: SessionUser; scope: BoardScope }
  | { kind: "token"; tokenId: string; name: string; token: string; expiresAt: Date; scope: BoardScope };

/**
 * `?token=` wins over the session (a TV has none): the route passes the token from the URL and, only
 * when there is none, the signed-in user. A bad, expired or revoked link is a 403, never a fall-back to
 * the session: what the URL asks for is what is checked. No user (the event stream, which cannot follow
 * a login page) is a 401. A database error while checking throws: nothing opens because a check could not run.
 */
export async function boardViewerFor({ token, user }: { token: string | null; user: SessionUser | null }): Promise<BoardViewer> {
  if (token !== null) {
    const found = await verifyBoardToken(token);
    if (!found) throw new AppError("forbidden", { message: "This board link is not valid (expired, revoked or mistyped)." });
    return { kind: "token", tokenId: found.id, name: found.name, token, expiresAt: found.expiresAt, scope: found.scope };
  }
  if (!user) throw new AppError("unauthorized", { status: 401, message: "Unauthorized" });
  if (!canManageBoard(user)) throw new AppError("forbidden", { message: "Forbidden" });
  const scope = await boardManagerScope(user.id);
  if (!scope || scope.companyIds.length === 0) throw new AppError("forbidden", { message: "Forbidden: you are not assigned to any company." });
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
