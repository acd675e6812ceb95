import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { LOCALES } from "~/i18n/config";
import { prisma } from "~/utils/db.server";
import { getOptionalUser, safeRedirect } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";
import { localeCookie } from "~/utils/session.server";

const LocaleSchema = z.object({ locale: z.enum(LOCALES), redirectTo: z.string().optional() });

/** Switches the UI language; remembered in a cookie and, when signed in, on the user. */
export async function action({ request }: ActionFunctionArgs) {
  const submission = parseForm(await request.formData(), LocaleSchema);
  if (submission.status !== "success") throw new Response("Unknown locale", { status: 400 });
  const { locale, redirectTo } = submission.value;
  const back = safeRedirect(redirectTo, "/claims");
  const user = await getOptionalUser(request);
  if (user) await prisma.user.update({ where: { id: user.id }, data: { locale } });
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}

export const loader = () => redirect("/claims");
