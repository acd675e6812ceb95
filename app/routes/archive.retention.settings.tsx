import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { PeriodText, RefusalMessage } from "~/components/retention-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { RETENTION_DOCUMENT_TYPES } from "~/domain/retention";
import { RETENTION_STAFF, retentionCompanies, retentionSettings, saveRetentionSettings } from "~/models/retention.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { refusalOf } from "~/utils/retention-refusal.server";

export const meta: MetaFunction = () => [{ title: "Retention periods · Accounting Factory" }];

/** A company's retention periods (one of the viewer's companies: ?company= outside them shows the first). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...RETENTION_STAFF);
  const url = new URL(request.url);
  try {
    const companies = await retentionCompanies(user);
    const company = companies.find((c) => c.id === url.searchParams.get("company")) ?? companies[0] ?? null;
    const rows = company ? await retentionSettings(user, company.id) : [];
    return { roles: user.roles, companies, companyId: company?.id ?? "", rows, canEdit: hasRole(user, "ADMIN") };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ADMIN of the company saves its periods; saveRetentionSettings refuses another company and anything below the law. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const form = await request.formData();
  const companyId = String(form.get("companyId") ?? "");
  const input: Record<string, string> = {};
  for (const type of RETENTION_DOCUMENT_TYPES) input[type] = String(form.get(type) ?? "");
  try {
    const { lengthened } = await saveRetentionSettings({ viewer: user, companyId, input });
    return redirect(`/archive/retention/settings?${new URLSearchParams({ company: companyId, saved: String(lengthened) })}`);
  } catch (err) {
    return { ...refusalOf(err), input };
  }
}

export default function RetentionSettings() {
  const { roles, companies, companyId, rows, canEdit } = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>();
  const { t, i18n } = useTranslation("retention");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const current = companies.find((c) => c.id === companyId);
  const valueOf = (type: string, fallback: string) => refusal?.input?.[type] ?? fallback;
  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <ArchiveNav roles={roles} />
      <p className="muted">{t("settings.intro")}</p>
      {saved !== null ? (
        <p className="notice" role="status" data-testid="settings-saved">
          {t("settings.saved", { count: Number(saved) || 0 })}
        </p>
      ) : null}
      {companies.length === 0 ? (
        <p className="empty card">{t("noCompanies")}</p>
      ) : (
        <>
          {companies.length > 1 ? (
            <Form method="get" className="row card" style={{ alignItems: "flex-end" }}>
              <label className="field">
                <span>{t("settings.company")}</span>
                <select name="company" defaultValue={companyId}>
                  {companies.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.code} · {i18n.language === "zh-CN" ? c.nameZh : c.name}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="button">
                {t("settings.show")}
              </button>
            </Form>
          ) : null}
          <RefusalMessage refusal={refusal} />
          {current ? (
            <h2 data-testid="settings-company">
              {current.code} · {i18n.language === "zh-CN" ? current.nameZh : current.name}
            </h2>
          ) : null}
          <Form method="post" key={companyId}>
            <input type="hidden" name="companyId" value={companyId} />
            <div className="table-wrap">
              <table className="data responsive" data-testid="retention-settings">
                <thead>
                  <tr>
                    <th scope="col">{t("settings.type")}</th>
                    <th scope="col">{t("settings.law")}</th>
                    <th scope="col">{t("settings.current")}</th>
                    {canEdit ? <th scope="col">{t("settings.value")}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const current = r.override ? (r.override.kind === "permanent" ? "permanent" : String(r.override.years)) : "";
                    const error = refusal?.fieldErrors?.[r.type];
                    return (
                      <tr key={r.type} data-testid={`period-${r.type}`}>
                        <td data-label={t("settings.type")} style={{ fontWeight: 600 }}>
                          {t(`docType.${r.type}`)}
                        </td>
                        <td data-label={t("settings.law")}>
                          <PeriodText period={r.law} />
                        </td>
                        <td data-label={t("settings.current")}>
                          <strong>
                            <PeriodText period={r.effective} />
                          </strong>
                        </td>
                        {canEdit ? (
                          <td data-label={t("settings.value")}>
                            <input
                              type="text"
                              name={r.type}
                              list="retention-values"
                              defaultValue={valueOf(r.type, current)}
                              placeholder={r.law.kind === "years" ? String(r.law.years) : t("settings.permanentOption")}
                              aria-label={`${t(`docType.${r.type}`)}: ${t("settings.value")}`}
                              aria-invalid={error ? true : undefined}
                              style={{ width: "9rem" }}
                              disabled={r.law.kind === "permanent"}
                            />
                            {r.law.kind === "permanent" ? null : <span className="muted"> {t("settings.years")}</span>}
                            {error ? (
                              <p className="field-error">
                                {t(`errors.${error}`, {
                                  type: t(`docType.${r.type}`),
                                  minimum: r.law.kind === "years" ? r.law.years : "",
                                })}
                              </p>
                            ) : null}
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <datalist id="retention-values">
              <option value="permanent">{t("settings.permanentOption")}</option>
            </datalist>
            {canEdit ? (
              <>
                <p className="muted">{t("settings.inputHint")}</p>
                <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
                  {t("settings.save")}
                </button>
              </>
            ) : (
              <p className="muted">{t("settings.readOnly")}</p>
            )}
          </Form>
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
