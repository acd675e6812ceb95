import type { LoaderFunctionArgs } from "@remix-run/node";
import { boardTokenIsLive } from "~/models/board-token.server";
import { requireBoardViewer } from "~/utils/board-access.server";
import { boardEventStream } from "~/utils/board-events.server";

/**
 * The wall board's live feed (Server-Sent Events). `?probe=1` only answers whether this board may
 * still look (204, 401 or 403), so a browser that lost its stream knows whether to reconnect.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireBoardViewer(request, { stream: true });
  if (new URL(request.url).searchParams.get("probe") === "1") return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  // A token board re-checks its token while open, so a revocation takes its screen dark without a reload.
  const stillAllowed = viewer.kind === "token" ? () => boardTokenIsLive(viewer.tokenId) : undefined;
  return boardEventStream({ signal: request.signal, stillAllowed });
}
