import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError } from "~/components/field-error";
import { CompanyName, LedgerTabs } from "~/components/ledger-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { ChartImportSchema, MAPPING_PURPOSES, RemoveMappingSchema, SetMappingSchema } from "~/domain/ledger-forms";
import { importChartOfAccounts, listAccounts, listMappings, previewChartImport, removeMapping, setMapping, type ChartPreview } from "~/models/ledger-accounts.server";
import { ledgerCompanies } from "~/models/ledger-views.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { parseForm, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Chart of accounts · Accounting Factory" }];

/** The chart and mappings of one of the viewer's companies (?company=, else the first); admins change them. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  try {
    const companies = await ledgerCompanies(user);
    const wanted = new URL(request.url).searchParams.get("company");
    const company = companies.find((c) => c.id === wanted) ?? companies[0] ?? null;
    if (!company)
      return {
        companies,
        company: null,
        accounts: [],
        mappings: [],
        options: null,
        canEdit: false,
      };
    const [accounts, mappings, categories, departments, payers] = await Promise.all([
      listAccounts(prisma, company.id),
      listMappings(prisma, company.id),
      prisma.expenseCategory.findMany({
        orderBy: { sortOrder: "asc" },
        select: { code: true, name: true, nameZh: true },
      }),
      prisma.department.findMany({
        where: { companyId: company.id },
        orderBy: { code: "asc" },
        select: { id: true, code: true, name: true, nameZh: true },
      }),
      prisma.payerAccount.findMany({
        where: { companyId: company.id },
        orderBy: { name: "asc" },
        select: { id: true, name: true },
      }),
    ]);
    const canEdit = hasRole(user, "ADMIN");
    return {
      companies,
      company,
      accounts,
      mappings,
      options: canEdit ? { categories, departments, payers } : null,
      canEdit,
    };
  } catch (err) {
    throwAsResponse(err);
  }
}

type ActionResult = {
  intent: string;
  reply: FormReply;
  preview?: ChartPreview;
  csvText?: string;
};

/** ADMIN: preview and import the chart, set and remove mappings, for a company they work for (another: not_found). */
export async function action({ request }: ActionFunctionArgs): Promise<ActionResult | Response> {
  const user = await requireRole(request, "ADMIN");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "preview" || intent === "import") {
    const submission = parseForm(form, ChartImportSchema);
    if (submission.status !== "success") return { intent, reply: submission.reply() };
    const file = form.get("file");
    const csvText = file instanceof File && file.size > 0 ? await file.text() : submission.value.csvText ?? "";
    const { companyId } = submission.value;
    try {
      if (!(await ledgerCompanies(user)).some((c) => c.id === companyId)) throw new AppError("not_found");
      if (!csvText.trim()) throw new AppError("invalid", { fieldErrors: { csvText: "required" } });
      if (intent === "preview")
        return {
          intent,
          reply: submission.reply(),
          preview: await previewChartImport({ companyId, csvText }),
          csvText,
        };
      const { created, updated } = await importChartOfAccounts({
        viewer: user,
        companyId,
        csvText,
      });
      return redirect(`/ledger/accounts?company=${encodeURIComponent(companyId)}&imported=${created + updated}`);
    } catch (err) {
      const reply = replyWithError(submission, err, {
        status: 200,
      }) as FormReply;
      // A refused import shows the preview again, with each row's errors.
      const preview = err instanceof AppError && err.reason === "chart_rows" ? await previewChartImport({ companyId, csvText }) : undefined;
      return { intent, reply, preview, csvText };
    }
  }
  if (intent === "set-mapping") {
    const submission = parseForm(form, SetMappingSchema);
    if (submission.status !== "success") return { intent, reply: submission.reply() };
    try {
      const { intent: _intent, ...input } = submission.value;
      await setMapping({ viewer: user, ...input });
      return redirect(`/ledger/accounts?company=${encodeURIComponent(input.companyId)}&saved=1`);
    } catch (err) {
      return {
        intent,
        reply: replyWithError(submission, err, { status: 200 }) as FormReply,
      };
    }
  }
  const submission = parseForm(form, RemoveMappingSchema);
  if (submission.status !== "success") return { intent, reply: submission.reply() };
  try {
    await removeMapping({
      viewer: user,
      mappingId: submission.value.mappingId,
    });
    return redirect(`/ledger/accounts?company=${encodeURIComponent(submission.value.companyId)}&removed=1`);
  } catch (err) {
    return {
      intent,
      reply: replyWithError(submission, err, { status: 200 }) as FormReply,
    };
  }
}

function errorsOf(result: ActionResult | undefined, intent: string, name: string): string[] | undefined {
  if (!result || result.intent !== intent || result.reply.status !== "error") return undefined;
  return result.reply.error?.[name] ?? undefined;
}

export default function LedgerAccounts() {
  const { companies, company, accounts, mappings, options, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const { t, i18n } = useTranslation("ledger");
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const zh = i18n.language === "zh-CN";
  const busy = navigation.state === "submitting";
  const preview = result?.preview;
  const notice = params.get("imported")
    ? t("accounts.imported", { count: Number(params.get("imported")) })
    : params.get("saved")
    ? t("accounts.saved")
    : params.get("removed")
    ? t("accounts.removed")
    : null;
  return (
    <>
      <div className="page-head">
        <h1>{t("accounts.title")}</h1>
      </div>
      <LedgerTabs />
      <p className="muted">{t("accounts.intro")}</p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {!company ? (
        <p className="empty card" data-testid="no-companies">
          {t("noCompanies")}
        </p>
      ) : null}
      {companies.length > 1 ? (
        <nav className="filters" aria-label={t("accounts.company")}>
          {companies.map((c) => (
            <Link key={c.id} to={`/ledger/accounts?company=${c.id}`} aria-current={c.id === company?.id ? "page" : undefined}>
              {c.code}
            </Link>
          ))}
        </nav>
      ) : null}
      {company ? (
        <>
          <h2>
            <CompanyName company={company} />
          </h2>
          <section className="card" aria-labelledby="mappings">
            <h3 id="mappings">{t("accounts.mappingsTitle")}</h3>
            {mappings.length === 0 ? (
              <p className="empty" data-testid="mappings-empty">
                {t("accounts.mappingsEmpty")}
              </p>
            ) : (
              <div className="table-wrap">
                <table className="data responsive" data-testid="mappings">
                  <thead>
                    <tr>
                      <th scope="col">{t("accounts.purpose")}</th>
                      <th scope="col">{t("accounts.category")}</th>
                      <th scope="col">{t("accounts.department")}</th>
                      <th scope="col">{t("accounts.payerAccount")}</th>
                      <th scope="col">{t("accounts.account")}</th>
                      {canEdit ? (
                        <th scope="col">
                          <span className="visually-hidden">{t("accounts.remove")}</span>
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {mappings.map((m) => (
                      <tr key={m.id}>
                        <td data-label={t("accounts.purpose")}>{t(`accounts.purposes.${m.purpose}`)}</td>
                        <td data-label={t("accounts.category")}>{m.categoryCode ? (zh ? m.categoryNameZh : m.categoryName) ?? m.categoryCode : t("accounts.none")}</td>
                        <td data-label={t("accounts.department")}>
                          {m.departmentId ? (zh ? m.departmentNameZh : m.departmentName) : m.purpose === "EXPENSE" ? t("accounts.anyDepartment") : t("accounts.none")}
                        </td>
                        <td data-label={t("accounts.payerAccount")}>{m.payerAccountName ?? t("accounts.none")}</td>
                        <td data-label={t("accounts.account")}>
                          <code>{m.accountCode}</code> {zh ? m.accountNameZh : m.accountName}
                        </td>
                        {canEdit ? (
                          <td>
                            <Form method="post">
                              <input type="hidden" name="intent" value="remove-mapping" />
                              <input type="hidden" name="companyId" value={company.id} />
                              <input type="hidden" name="mappingId" value={m.id} />
                              <button type="submit" className="button button-danger" disabled={busy}>
                                {t("accounts.remove")}
                              </button>
                            </Form>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {result?.intent === "remove-mapping" ? <FieldError errors={errorsOf(result, "remove-mapping", "") ?? errorsOf(result, "remove-mapping", "mappingId")} ns="ledger" prefix="errors" /> : null}
            {canEdit && options ? (
              <Form
                method="post"
                className="row"
                style={{
                  alignItems: "flex-end",
                  flexWrap: "wrap",
                  marginTop: "1rem",
                }}
                aria-label={t("accounts.setTitle")}
                data-testid="set-mapping"
              >
                <input type="hidden" name="intent" value="set-mapping" />
                <input type="hidden" name="companyId" value={company.id} />
                <label className="field">
                  <span>{t("accounts.purpose")}</span>
                  <select name="purpose" defaultValue="EXPENSE">
                    {MAPPING_PURPOSES.map((p) => (
                      <option key={p} value={p}>
                        {t(`accounts.purposes.${p}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>{t("accounts.category")}</span>
                  <select name="categoryCode" defaultValue="">
                    <option value="">{t("accounts.none")}</option>
                    {options.categories.map((c) => (
                      <option key={c.code} value={c.code}>
                        {c.code} · {zh ? c.nameZh : c.name}
                      </option>
                    ))}
                  </select>
                  <FieldError errors={errorsOf(result, "set-mapping", "categoryCode")} name="categoryCode" ns="ledger" prefix="errors" />
                </label>
                <label className="field">
                  <span>{t("accounts.department")}</span>
                  <select name="departmentId" defaultValue="">
                    <option value="">{t("accounts.anyDepartment")}</option>
                    {options.departments.map((d) => (
                      <option key={d.id} value={d.id}>
                        {d.code} · {zh ? d.nameZh : d.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field">
                  <span>{t("accounts.payerAccount")}</span>
                  <select name="payerAccountId" defaultValue="">
                    <option value="">{t("accounts.none")}</option>
                    {options.payers.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name}
                      </option>
                    ))}
                  </select>
                  <FieldError errors={errorsOf(result, "set-mapping", "payerAccountId")} name="payerAccountId" ns="ledger" prefix="errors" />
                </label>
                <label className="field">
                  <span>{t("accounts.account")}</span>
                  <select name="accountCode" required defaultValue="">
                    <option value="" disabled>
                      {t("accounts.none")}
                    </option>
                    {accounts
                      .filter((a) => a.active)
                      .map((a) => (
                        <option key={a.code} value={a.code}>
                          {a.code} · {zh ? a.nameZh : a.name}
                        </option>
                      ))}
                  </select>
                  <FieldError errors={errorsOf(result, "set-mapping", "accountCode")} name="accountCode" ns="ledger" prefix="errors" />
                </label>
                <button type="submit" className="button button-primary" disabled={busy}>
                  {t("accounts.set")}
                </button>
              </Form>
            ) : null}
          </section>

          <section className="card" aria-labelledby="chart" style={{ marginTop: "1rem" }}>
            <h3 id="chart">{t("accounts.chartTitle")}</h3>
            {accounts.length === 0 ? (
              <p className="empty" data-testid="chart-empty">
                {t("accounts.chartEmpty")}
              </p>
            ) : (
              <div className="table-wrap">
                <table className="data responsive" data-testid="chart">
                  <thead>
                    <tr>
                      <th scope="col">{t("accounts.code")}</th>
                      <th scope="col">{t("accounts.nameZh")}</th>
                      <th scope="col">{t("accounts.name")}</th>
                      <th scope="col">{t("accounts.kind")}</th>
                      <th scope="col">{t("accounts.active")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {accounts.map((a) => (
                      <tr key={a.code}>
                        <td data-label={t("accounts.code")}>
                          <code>{a.code}</code>
                        </td>
                        <td data-label={t("accounts.nameZh")}>{a.nameZh}</td>
                        <td data-label={t("accounts.name")}>{a.name}</td>
                        <td data-label={t("accounts.kind")}>
                          {t(`accounts.kinds.${a.kind}`, {
                            defaultValue: a.kind,
                          })}
                        </td>
                        <td data-label={t("accounts.active")}>{a.active ? t("list.yes") : t("list.no")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          {canEdit ? (
            <section className="card" aria-labelledby="chart-import" style={{ marginTop: "1rem" }}>
              <h3 id="chart-import">{t("accounts.importTitle")}</h3>
              <p className="muted">{t("accounts.importIntro")}</p>
              <Form method="post" encType="multipart/form-data" data-testid="chart-import">
                <input type="hidden" name="companyId" value={company.id} />
                <label className="field">
                  <span>{t("accounts.csv")}</span>
                  <textarea name="csvText" rows={6} defaultValue={result?.csvText ?? ""} key={result?.csvText ?? ""} spellCheck={false} style={{ fontFamily: "monospace", width: "100%" }} />
                  <FieldError errors={errorsOf(result, result?.intent ?? "", "csvText")} name="csvText" ns="ledger" prefix="errors" />
                </label>
                <label className="field">
                  <span>{t("accounts.csvFile")}</span>
                  <input type="file" name="file" accept=".csv,text/csv" />
                </label>
                <div className="row" style={{ marginTop: "0.5rem" }}>
                  <button type="submit" name="intent" value="preview" className="button" disabled={busy}>
                    {t("accounts.preview")}
                  </button>
                  {preview && preview.errorCount === 0 && preview.rows.length > 0 ? (
                    <button type="submit" name="intent" value="import" className="button button-primary" disabled={busy}>
                      {t("accounts.import", { count: preview.rows.length })}
                    </button>
                  ) : null}
                </div>
              </Form>
              {preview ? <ChartPreviewTable preview={preview} /> : null}
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function ChartPreviewTable({ preview }: { preview: ChartPreview }) {
  const { t } = useTranslation("ledger");
  return (
    <div style={{ marginTop: "1rem" }} data-testid="chart-preview">
      <h4>{t("accounts.previewTitle")}</h4>
      {preview.errorCount === 0 ? (
        <p className="notice" role="status">
          {t("accounts.previewOk")}
        </p>
      ) : (
        <p className="form-error" role="alert">
          {preview.headerError
            ? t(`errors.${preview.headerError}`, {
                defaultValue: preview.headerError,
              })
            : t("accounts.previewErrors", { count: preview.errorCount })}
        </p>
      )}
      {preview.rows.length > 0 ? (
        <div className="table-wrap">
          <table className="data responsive">
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t("accounts.line")}
                </th>
                <th scope="col">{t("accounts.code")}</th>
                <th scope="col">{t("accounts.nameZh")}</th>
                <th scope="col">{t("accounts.name")}</th>
                <th scope="col">{t("accounts.kind")}</th>
                <th scope="col">{t("accounts.error")}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.line} data-invalid={r.errors.length > 0 ? "true" : undefined}>
                  <td data-label={t("accounts.line")} className="num">
                    {r.line}
                  </td>
                  <td data-label={t("accounts.code")}>
                    <code>{r.code}</code>
                  </td>
                  <td data-label={t("accounts.nameZh")}>{r.nameZh}</td>
                  <td data-label={t("accounts.name")}>{r.name}</td>
                  <td data-label={t("accounts.kind")}>{t(`accounts.kinds.${r.kind}`, { defaultValue: r.kind })}</td>
                  <td data-label={t("accounts.error")} className={r.errors.length > 0 ? "form-error" : undefined}>
                    {r.errors.length > 0 ? r.errors.map((e) => t(`accounts.rowErrors.${e}`, { defaultValue: e })).join("; ") : r.exists ? t("accounts.updates") : t("accounts.adds")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
