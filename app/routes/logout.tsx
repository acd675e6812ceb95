import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/models/sign-in.server";
import { clientFacts } from "~/utils/client.server";
import { clearSessionCookie } from "~/utils/session.server";

/** Sign-out ends the session on the server, not only the browser's copy of the cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  await signOut({ cookieHeader: request.headers.get("Cookie"), client: clientFacts(request, context) });
  return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie() } });
}

export const loader = () => redirect("/login");
