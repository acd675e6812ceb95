import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocale } from "~/i18n/config";
import { prisma } from "~/utils/db.server";
import { getOptionalUser, safeRedirect } from "~/utils/auth.server";
import { localeCookie } from "~/utils/session.server";

/** Switches the UI language; remembered in a cookie and, when signed in, on the user. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get("locale");
  const back = safeRedirect(form.get("redirectTo"), "/claims");
  if (!isLocale(locale)) throw new Response("Unknown locale", { status: 400 });
  const user = await getOptionalUser(request);
  if (user) await prisma.user.update({ where: { id: user.id }, data: { locale } });
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}

export const loader = () => redirect("/claims");
