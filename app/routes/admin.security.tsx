import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RouteError } from "~/components/route-error";
import { listSecurityEvents, SECURITY_EVENT_TYPES } from "~/models/sign-in.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { describeUserAgent } from "~/utils/user-agent";

export const meta: MetaFunction = () => [{ title: "Security log · Accounting Factory" }];

/** Admins only: the sign-in and session events of everyone. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const url = new URL(request.url);
  const type = url.searchParams.get("type") ?? "";
  const account = (url.searchParams.get("account") ?? "").slice(0, 200);
  const events = await listSecurityEvents({ type: type || undefined, account: account || undefined });
  return {
    timeZone: user.timeZone,
    type,
    account,
    events: events.map((e) => ({ ...e, browser: describeUserAgent(e.userAgent) })),
  };
}

export default function SecurityLog() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  return (
    <>
      <div className="page-head">
        <h1>{t("security.title")}</h1>
      </div>
      <p className="muted">{t("security.help")}</p>
      <Form method="get" className="row" aria-label={t("security.title")}>
        <label className="field">
          <span>{t("security.filterType")}</span>
          <select name="type" defaultValue={data.type}>
            <option value="">{t("security.allTypes")}</option>
            {SECURITY_EVENT_TYPES.map((type) => (
              <option key={type} value={type}>{t(`security.types.${type.replace(".", "_")}`)}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("security.filterAccount")}</span>
          <input name="account" type="search" defaultValue={data.account} />
        </label>
        <button type="submit" className="button">{t("security.filter")}</button>
      </Form>
      {data.events.length === 0 ? (
        <p className="empty card">{t("security.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive" data-testid="security-log">
            <thead>
              <tr>
                <th scope="col">{t("security.at")}</th>
                <th scope="col">{t("security.event")}</th>
                <th scope="col">{t("security.account")}</th>
                <th scope="col">{t("security.address")}</th>
                <th scope="col">{t("security.browser")}</th>
                <th scope="col">{t("security.detail")}</th>
              </tr>
            </thead>
            <tbody>
              {data.events.map((e) => (
                <tr key={e.id}>
                  <td data-label={t("security.at")}>{formatDateTime(e.at, i18n.language, data.timeZone)}</td>
                  <td data-label={t("security.event")}>{t(`security.types.${e.type.replace(".", "_")}`, { defaultValue: e.type })}</td>
                  <td data-label={t("security.account")}>{e.account ?? "—"}</td>
                  <td data-label={t("security.address")} className="mono">{e.address ?? "—"}</td>
                  <td data-label={t("security.browser")}>{e.browser ?? "—"}</td>
                  <td data-label={t("security.detail")} className="mono">{e.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
