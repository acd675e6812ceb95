import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
  isRouteErrorResponse,
} from "@remix-run/react";
import { useMemo, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { DEFAULT_LOCALE, i18nFor, isLocale, LOCALES, type Locale } from "~/i18n/config";
import { getOptionalUser } from "~/utils/auth.server";
import { getLocale } from "~/utils/session.server";
import { RouteError } from "~/components/route-error";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const locale = await getLocale(request, user?.locale);
  const nonce = typeof context.cspNonce === "string" ? context.cspNonce : undefined;
  return {
    locale,
    nonce,
    user: user && { id: user.id, name: user.name, email: user.email, roles: user.roles, timeZone: user.timeZone },
  };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function useRootData(): RootData | undefined {
  return useRouteLoaderData<typeof loader>("root");
}

function Document({ locale, nonce, children }: { locale: Locale; nonce?: string; children: ReactNode }) {
  const i18n = useMemo(() => i18nFor(locale), [locale]);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>{children}</I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header({ data }: { data: RootData }) {
  const { t } = useTranslation();
  const location = useLocation();
  const user = data.user;
  return (
    <header className="topbar">
      <Link to={user ? "/claims" : "/login"} className="brand">
        <span className="brand-mark" aria-hidden>AF</span>
        <span>{t("appName")}</span>
      </Link>
      {user ? (
        <nav className="topnav" aria-label="main">
          <NavLink to="/claims" end>{t("nav.myClaims")}</NavLink>
          <NavLink to="/claims/new">{t("nav.newClaim")}</NavLink>
          {user.roles.some((r) => r === "MANAGER" || r === "ADMIN") ? <NavLink to="/approvals">{t("nav.approvals")}</NavLink> : null}
          {user.roles.some((r) => r === "ACCOUNTANT" || r === "SUPERVISOR" || r === "ADMIN") ? <NavLink to="/queue">{t("floor:nav.queue")}</NavLink> : null}
          {user.roles.some((r) => r === "ADMIN" || r === "SUPERVISOR") ? <NavLink to="/admin/routing">{t("admin:nav")}</NavLink> : null}
          {user.roles.some((r) => r === "ADMIN" || r === "SUPERVISOR") ? <NavLink to="/board">{t("board:nav")}</NavLink> : null}
          {user.roles.some((r) => r === "QA" || r === "SUPERVISOR" || r === "ADMIN") ? <NavLink to="/qa">{t("quality:nav")}</NavLink> : null}
          {user.roles.some((r) => r === "ACCOUNTANT" || r === "QA" || r === "SUPERVISOR" || r === "ADMIN") ? <NavLink to="/pay">{t("pay:nav")}</NavLink> : null}
          {user.roles.some((r) => r === "ADMIN" || r === "SUPERVISOR") ? <NavLink to="/staffing">{t("staffing:nav")}</NavLink> : null}
          {user.roles.includes("TREASURY") ? <NavLink to="/treasury">{t("treasury:nav")}</NavLink> : null}
          {user.roles.some((r) => r === "MANAGER" || r === "SUPERVISOR" || r === "ADMIN") ? <NavLink to="/budgets">{t("budgets:nav")}</NavLink> : null}
          {user.roles.some((r) => r === "ACCOUNTANT" || r === "SUPERVISOR" || r === "ADMIN") ? <NavLink to="/ledger">{t("ledger:nav")}</NavLink> : null}
          <NavLink to={user.roles.some((r) => r === "ARCHIVIST" || r === "SUPERVISOR" || r === "ADMIN") ? "/archive" : "/archive/requests"}>{t("archiveNav:nav")}</NavLink>
          {user.roles.includes("ADMIN") ? <NavLink to="/admin/users">{t("admin:users.nav")}</NavLink> : null}
          {user.roles.includes("ADMIN") ? <NavLink to="/admin/security">{t("security.nav")}</NavLink> : null}
          {user.roles.includes("ADMIN") ? <NavLink to="/admin/paper">{t("admin:paper.nav")}</NavLink> : null}
        </nav>
      ) : null}
      <div className="topbar-right">
        <Form method="post" action="/locale" className="lang-switch">
          <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
          {LOCALES.map((l) => (
            <button key={l} type="submit" name="locale" value={l} aria-pressed={data.locale === l} className="link-button">
              {l === "en" ? "EN" : "中文"}
            </button>
          ))}
        </Form>
        {user ? (
          <>
            <Link to="/account" className="whoami" title={`${user.email} · ${t("nav.account")}`}>{user.name}</Link>
            <Form method="post" action="/logout">
              <button type="submit" className="button button-quiet">{t("nav.signOut")}</button>
            </Form>
          </>
        ) : null}
      </div>
    </header>
  );
}

/** A route opts out of the app chrome (top bar, page width) with `export const handle = { chrome: false }`. */
function useChrome(): boolean {
  const matches = useMatches();
  return !matches.some((m) => (m.handle as { chrome?: boolean } | undefined)?.chrome === false);
}

export default function App() {
  const data = useLoaderData<typeof loader>();
  const chrome = useChrome();
  return (
    <Document locale={data.locale} nonce={data.nonce}>
      {chrome ? (
        <>
          <Header data={data} />
          <main className="page">
            <Outlet />
          </main>
        </>
      ) : (
        <Outlet />
      )}
    </Document>
  );
}

export function ErrorBoundary() {
  const data = useRootData();
  const error = useRouteError();
  // The root's own loader failed (e.g. the database is away): the 503 carries the language from the cookie.
  const errorLocale = isRouteErrorResponse(error) && isLocale((error.data as { locale?: unknown } | null)?.locale) ? (error.data as { locale: Locale }).locale : undefined;
  return (
    <Document locale={data?.locale ?? errorLocale ?? DEFAULT_LOCALE} nonce={data?.nonce}>
      {data ? <Header data={data} /> : null}
      <main className="page">
        <RouteError />
      </main>
    </Document>
  );
}

