import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError } from "~/components/field-error";
import { Digest } from "~/components/digest";
import { LedgerCompanyField, LedgerTabs } from "~/components/ledger-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { ErpUploadSchema, EXPORT_FORMATS } from "~/domain/ledger-forms";
import { recordErpNumbers } from "~/models/ledger-export.server";
import { ledgerCompanies, listExports } from "~/models/ledger-views.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Exports · Accounting Factory" }];

/** The export history of the viewer's companies; accountants and admins make exports and record ERP numbers. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  try {
    const [companies, exports] = await Promise.all([ledgerCompanies(user), listExports(user)]);
    return {
      companies,
      exports,
      canExport: hasRole(user, "ACCOUNTANT", "ADMIN"),
    };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ERP numbers written back from the ERP's CSV (recordErpNumbers checks the company and never overwrites). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "ADMIN");
  const form = await request.formData();
  const file = form.get("file");
  const submission = parseForm(form, ErpUploadSchema);
  if (submission.status !== "success") return { reply: submission.reply(), result: null };
  try {
    const csvText = file instanceof File && file.size > 0 ? await file.text() : submission.value.csvText ?? "";
    if (!csvText.trim()) throw new AppError("invalid", { fieldErrors: { file: "required" } });
    const result = await recordErpNumbers({
      viewer: user,
      companyId: submission.value.companyId,
      erpSystem: submission.value.erpSystem,
      csvText,
    });
    return { reply: submission.reply({ resetForm: true }), result };
  } catch (err) {
    return {
      reply: replyWithError(submission, err, { status: 200 }) as ReturnType<typeof submission.reply>,
      result: null,
    };
  }
}

export default function LedgerExports() {
  const { companies, exports, canExport } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t, i18n } = useTranslation("ledger");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const exportError = params.get("error");
  const company = new Map(companies.map((c) => [c.id, c]));
  const replyErrors = data?.reply.status === "error" ? data.reply.error ?? {} : {};
  const erpFieldError = (name: string) => replyErrors[name] ?? undefined;
  const erpFormError = replyErrors[""]?.[0];
  return (
    <>
      <div className="page-head">
        <h1>{t("exports.title")}</h1>
      </div>
      <LedgerTabs />
      <p className="muted">{t("exports.intro")}</p>
      {companies.length === 0 ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : null}

      {canExport && companies.length > 0 ? (
        <section className="card" aria-labelledby="make-export">
          <h2 id="make-export">{t("exports.makeTitle")}</h2>
          {exportError ? (
            <p className="form-error" role="alert" data-testid="export-error">
              {t(`errors.${exportError}`, {
                defaultValue: t("errors.generic", { message: exportError }),
              })}
              {params.get("field")
                ? ` (${t(`exports.${params.get("field")}`, {
                    defaultValue: params.get("field") ?? "",
                  })})`
                : null}
            </p>
          ) : null}
          <Form method="post" action="/ledger/exports/file" reloadDocument className="row" style={{ alignItems: "flex-end", flexWrap: "wrap" }} data-testid="export-form">
            <LedgerCompanyField companies={companies} />
            <label className="field">
              <span>{t("exports.format")}</span>
              <select name="format" defaultValue="kingdee">
                {EXPORT_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {t(`format.${f}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t("exports.from")}</span>
              <input type="date" name="from" />
            </label>
            <label className="field">
              <span>{t("exports.to")}</span>
              <input type="date" name="to" />
            </label>
            <label className="row" style={{ gap: "0.4rem", alignItems: "center" }}>
              <input type="checkbox" name="onlyNew" defaultChecked />
              <span>{t("exports.onlyNew")}</span>
            </label>
            <button type="submit" className="button button-primary">
              {t("exports.download")}
            </button>
          </Form>
        </section>
      ) : null}

      <section style={{ marginTop: "1.5rem" }} aria-labelledby="export-history">
        <h2 id="export-history">{t("exports.historyTitle")}</h2>
        {exports.length === 0 ? (
          <p className="empty card" data-testid="exports-empty">
            {t("exports.historyEmpty")}
          </p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="exports">
              <thead>
                <tr>
                  <th scope="col">{t("exports.when")}</th>
                  <th scope="col">{t("exports.company")}</th>
                  <th scope="col">{t("exports.format")}</th>
                  <th scope="col" className="num">
                    {t("exports.vouchers")}
                  </th>
                  <th scope="col" className="num">
                    {t("exports.lines")}
                  </th>
                  <th scope="col">{t("exports.by")}</th>
                  <th scope="col">{t("exports.sha256")}</th>
                </tr>
              </thead>
              <tbody>
                {exports.map((e) => (
                  <tr key={e.id}>
                    <td data-label={t("exports.when")}>{formatDateTime(e.createdAt, i18n.language)}</td>
                    <td data-label={t("exports.company")}>{company.get(e.companyId)?.code ?? e.companyCode}</td>
                    <td data-label={t("exports.format")}>{t(`format.${e.format}`)}</td>
                    <td data-label={t("exports.vouchers")} className="num">
                      {e.voucherCount}
                    </td>
                    <td data-label={t("exports.lines")} className="num">
                      {e.lineCount}
                    </td>
                    <td data-label={t("exports.by")}>{e.createdBy ?? "—"}</td>
                    <td data-label={t("exports.sha256")}>
                      <Digest value={e.sha256} testId="export-sha" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canExport && companies.length > 0 ? (
        <section className="card" aria-labelledby="erp-back" style={{ marginTop: "1.5rem" }}>
          <h2 id="erp-back">{t("exports.erpTitle")}</h2>
          <p className="muted">{t("exports.erpIntro")}</p>
          <Form method="post" encType="multipart/form-data" className="row" style={{ alignItems: "flex-end", flexWrap: "wrap" }} data-testid="erp-form">
            <input type="hidden" name="intent" value="erp" />
            <LedgerCompanyField companies={companies} />
            <label className="field">
              <span>{t("exports.erpSystem")}</span>
              <input type="text" name="erpSystem" defaultValue="Kingdee" maxLength={40} required />
              <FieldError errors={erpFieldError("erpSystem")} name="erpSystem" ns="ledger" prefix="errors" />
            </label>
            <label className="field">
              <span>{t("exports.file")}</span>
              <input type="file" name="file" accept=".csv,text/csv" required />
              <FieldError errors={erpFieldError("file") ?? erpFieldError("csvText")} name="file" ns="ledger" prefix="errors" />
            </label>
            <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
              {t("exports.upload")}
            </button>
          </Form>
          {erpFormError && !erpFieldError("file") && !erpFieldError("csvText") && !erpFieldError("erpSystem") ? <FieldError errors={[erpFormError]} ns="ledger" prefix="errors" /> : null}
          {data?.result ? (
            <div style={{ marginTop: "1rem" }} data-testid="erp-result">
              <h3>{t("exports.resultTitle")}</h3>
              <p className="muted">
                {t("exports.resultKind.recorded")}: {data.result.recorded} · {t("exports.resultKind.same")}: {data.result.same} · {t("exports.resultKind.error")}: {data.result.errors}
              </p>
              {data.result.rows.length === 0 ? (
                <p className="empty">{t("exports.noRows")}</p>
              ) : (
                <div className="table-wrap">
                  <table className="data responsive">
                    <thead>
                      <tr>
                        <th scope="col" className="num">
                          {t("exports.row")}
                        </th>
                        <th scope="col">{t("exports.key")}</th>
                        <th scope="col">{t("exports.erpNumber")}</th>
                        <th scope="col">{t("exports.result")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.result.rows.map((r) => (
                        <tr key={r.line} data-result={r.result}>
                          <td data-label={t("exports.row")} className="num">
                            {r.line}
                          </td>
                          <td data-label={t("exports.key")}>
                            <code>{r.voucherRef || "—"}</code>
                          </td>
                          <td data-label={t("exports.erpNumber")}>{r.erpNumber || "—"}</td>
                          <td data-label={t("exports.result")}>
                            <span className={`badge erp-${r.result}`}>{t(`exports.resultKind.${r.result}`)}</span>
                            {r.code ? (
                              <>
                                {" "}
                                ·{" "}
                                {t(`errors.${r.code}`, {
                                  defaultValue: r.code,
                                })}
                              </>
                            ) : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
