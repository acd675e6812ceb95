import { verifyBoardToken } from "~/models/board-token.server";
import { getOptionalUser, requireUser, type SessionUser } from "./auth.server";

/** Who may look at the wall board: a supervisor or admin, or a TV holding a live board token. */
export type BoardViewer = { kind: "user"; user: SessionUser } | { kind: "token"; tokenId: string; name: string; token: string };

export const BOARD_ROLES = ["SUPERVISOR", "ADMIN"] as const;

export function canManageBoard(user: Pick<SessionUser, "roles">): boolean {
  return user.roles.some((r) => (BOARD_ROLES as readonly string[]).includes(r));
}

/**
 * `?token=` wins over the session (a TV has none). A bad or revoked token is a 403, never a fall-back
 * to the session: what the URL asks for is what is checked. Without a token: pages redirect to the
 * login, the event stream answers 401 (an EventSource cannot follow a login page).
 */
export async function requireBoardViewer(request: Request, { stream = false }: { stream?: boolean } = {}): Promise<BoardViewer> {
  const token = new URL(request.url).searchParams.get("token");
  if (token !== null) {
    const found = await verifyBoardToken(token);
    if (!found) throw new Response("This board link is not valid (revoked or mistyped).", { status: 403 });
    return { kind: "token", tokenId: found.id, name: found.name, token };
  }
  const user = stream ? await getOptionalUser(request) : await requireUser(request);
  if (!user) throw new Response("Unauthorized", { status: 401 });
  if (!canManageBoard(user)) throw new Response("Forbidden", { status: 403 });
  return { kind: "user", user };
}
