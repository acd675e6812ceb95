import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale } from "~/i18n/config";
import { prisma } from "~/utils/db.server";
import { getSessionUserId, safeRedirect } from "~/utils/auth.server";
import { localeCookie } from "~/utils/session.server";

/** Switches the UI language; remembered in a cookie and, when signed in, on the user. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get("locale");
  const back = safeRedirect(String(form.get("redirectTo") ?? ""), "/claims");
  if (!isLocale(locale)) throw new Response("Unknown locale", { status: 400 });
  const userId = await getSessionUserId(request);
  if (userId) await prisma.user.update({ where: { id: userId }, data: { locale } });
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}

export const loader = () => redirect("/claims");
