import type { LoaderFunctionArgs } from "@remix-run/node";
import { isAppError } from "~/domain/app-error";
import { readGrantedImage } from "~/models/archive-requests.server";
import { getOptionalUser } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";

/**
 * One receipt image of a record opened under an approved VIEW (its requester, on the days of its period):
 * listed in the package's archive_file rows, served from the package, logged as a view of that file.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  if (!user) return new Response("Sign in first", { status: 401 });
  const filePath = new URL(request.url).searchParams.get("path") ?? "";
  try {
    const { bytes, mediaType } = await readGrantedImage(prisma, user, params.requestId ?? "", filePath);
    return new Response(new Uint8Array(bytes), { headers: { "Content-Type": mediaType, "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" } });
  } catch (err) {
    if (isAppError(err)) return new Response(err.code, { status: err.status });
    throw err;
  }
}
