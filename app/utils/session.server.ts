import { createCookie, createCookieSessionStorage } from "@remix-run/node";
import { isLocale, localeFromAcceptLanguage, DEFAULT_LOCALE, type Locale } from "~/i18n/config";
import { env } from "./env.server";

const secure = process.env.COOKIE_SECURE === "true";

export const sessionStorage = createCookieSessionStorage<{ userId: string }>({
  cookie: {
    name: "af_session",
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    secrets: [env.SESSION_SECRET],
    maxAge: 60 * 60 * 12,
  },
});

/** The UI language, chosen by the person (or their browser); not secret, so a plain cookie. */
export const localeCookie = createCookie("af_lng", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  secure,
  maxAge: 60 * 60 * 24 * 365,
});

export async function getLocale(request: Request, userLocale?: string): Promise<Locale> {
  const fromCookie: unknown = await localeCookie.parse(request.headers.get("Cookie"));
  if (isLocale(fromCookie)) return fromCookie;
  if (isLocale(userLocale)) return userLocale;
  return localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? DEFAULT_LOCALE;
}
