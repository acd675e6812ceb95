import type { LoaderFunctionArgs } from "@remix-run/node";
import { boardStillAllowed, boardStreamLimits, boardViewerFor } from "~/models/board-access.server";
import { boardEventStream, getBoardHub, tooManyStreams } from "~/models/board-hub.server";
import { orErrorResponse } from "~/utils/app-error.server";
import { getOptionalUser } from "~/utils/auth.server";
import { clientAddressOf } from "~/utils/client.server";

/**
 * The wall board's live feed (Server-Sent Events). `?probe=1` only answers whether this board may
 * still look (204, 401, 403, or 429 when its caps are full), so a browser that lost its stream knows
 * whether to reconnect.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  // An EventSource cannot follow a login page: no session is a 401, not a redirect.
  const user = token === null ? await getOptionalUser(request) : null;
  const viewer = await orErrorResponse(() => boardViewerFor({ token, user }));
  const limits = boardStreamLimits(viewer, clientAddressOf(context));
  const hub = getBoardHub();
  if (new URL(request.url).searchParams.get("probe") === "1") {
    const full = hub.fullCap(limits);
    if (full) return tooManyStreams(limits.find((l) => l.key === full.key)!.message);
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }
  // Re-checked while open: an expired or revoked link, a change of rights or scope ends the stream.
  return boardEventStream({ signal: request.signal, scope: viewer.scope, stillAllowed: boardStillAllowed(viewer), limits, hub });
}
