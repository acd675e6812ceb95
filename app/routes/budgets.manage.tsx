import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { BudgetTabs } from "~/components/budget-nav";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { ControlsForm, ImportForm, SetCellForm } from "~/domain/budget-forms";
import { importIsClean } from "~/domain/budget-import";
import { parseAmount } from "~/domain/money";
import { budgetCompanyIds, commitBudgetImport, previewBudgetImport, saveBudgetControls, setBudgetCell } from "~/models/budget-admin.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { localName } from "~/utils/format";
import { parseForm, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Set budgets · Accounting Factory" }];

/** Admins only: their companies (user_company), with the departments and categories a cell may name. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const companyIds = await budgetCompanyIds(user);
  const [companies, departments, categories] = await Promise.all([
    prisma.company.findMany({
      where: { id: { in: companyIds } },
      orderBy: { code: "asc" },
      select: { id: true, code: true, name: true, nameZh: true, currency: true, budgetPeriod: true, budgetAlertPct: true, budgetApprovalPct: true, budgetStopPct: true },
    }),
    prisma.department.findMany({ where: { companyId: { in: companyIds } }, orderBy: { code: "asc" }, select: { id: true, companyId: true, code: true, name: true, nameZh: true } }),
    prisma.expenseCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }], select: { code: true, name: true, nameZh: true } }),
  ]);
  return { roles: user.roles, companies, departments, categories };
}

const IntentSchema = z.object({ intent: z.enum(["set-cell", "import-preview", "import-commit", "controls"]) });

type PreviewRow = { line: number; company: string; department: string; period: string; category: string; amount: string; ownerEmail: string; errors: string[] };
type Reply = FormReply & {
  formName: string;
  companyId?: string;
  done?: string;
  preview?: { rows: PreviewRow[]; clean: boolean; csv: string } | { fileError: string; missing?: string[]; csv: string };
  imported?: { rows: number; changed: number };
};

export async function action({ request }: ActionFunctionArgs): Promise<Reply> {
  const user = await requireRole(request, "ADMIN");
  const formData = await request.formData();
  const intent = IntentSchema.safeParse({ intent: formData.get("intent") });
  if (!intent.success) throw new Response("Bad request", { status: 400 });
  const formName = intent.data.intent;
  const reply = (r: unknown, extra: Partial<Reply> = {}): Reply => ({ ...(r as FormReply), formName, ...extra });
  switch (intent.data.intent) {
    case "set-cell": {
      const submission = parseForm(formData, SetCellForm);
      if (submission.status !== "success") return reply(submission.reply());
      const v = submission.value;
      const company = await prisma.company.findUnique({ where: { id: v.companyId }, select: { currency: true } });
      const amount = company ? parseAmount(v.amount, company.currency) : null;
      if (!amount?.ok) return reply(submission.reply({ fieldErrors: { amount: ["bad_amount"] } }));
      try {
        await setBudgetCell(user, { companyId: v.companyId, departmentId: v.departmentId, period: v.period, categoryCode: v.categoryCode || null, amountMinor: amount.minor, ownerEmail: v.ownerEmail });
        return reply(submission.reply({ resetForm: true }), { done: "saved" });
      } catch (error) {
        return reply(replyWithError(submission, error, { status: 200 }));
      }
    }
    case "controls": {
      const submission = parseForm(formData, ControlsForm);
      const companyId = String(formData.get("companyId") ?? "");
      if (submission.status !== "success") return reply(submission.reply(), { companyId });
      try {
        await saveBudgetControls(user, submission.value);
        return reply(submission.reply(), { companyId, done: "controls" });
      } catch (error) {
        return reply(replyWithError(submission, error, { status: 200 }), { companyId });
      }
    }
    default: {
      const submission = parseForm(formData, ImportForm);
      if (submission.status !== "success") return reply(submission.reply());
      const { csv } = submission.value;
      try {
        if (submission.value.intent === "import-commit") {
          const imported = await commitBudgetImport(user, csv);
          return reply(submission.reply({ resetForm: true }), { done: "imported", imported });
        }
      } catch (error) {
        // A refused commit shows the preview again, with every row's problem.
        const result = await previewBudgetImport(user, csv);
        const preview = result.ok ? { rows: result.rows.map(toPreviewRow), clean: importIsClean(result), csv } : { fileError: result.fileError, missing: result.missing, csv };
        return reply(replyWithError(submission, error, { status: 200 }), { preview });
      }
      const result = await previewBudgetImport(user, csv);
      const preview = result.ok ? { rows: result.rows.map(toPreviewRow), clean: importIsClean(result), csv } : { fileError: result.fileError, missing: result.missing, csv };
      return reply(submission.reply(), { preview });
    }
  }
}

function toPreviewRow(r: PreviewRow & { cell: unknown }): PreviewRow {
  return { line: r.line, company: r.company, department: r.department, period: r.period, category: r.category, amount: r.amount, ownerEmail: r.ownerEmail, errors: r.errors };
}

export default function ManageBudgets() {
  const { roles, companies } = useLoaderData<typeof loader>();
  const { t } = useTranslation("budgets");
  return (
    <>
      <div className="page-head">
        <h1>{t("manage.title")}</h1>
      </div>
      <BudgetTabs roles={roles} />
      <p className="muted">{t("manage.intro")}</p>
      {companies.length === 0 ? (
        <p className="empty card">{t("manage.noCompanies")}</p>
      ) : (
        <>
          <SetCellCard />
          <ImportCard />
          <section className="card" aria-labelledby="controls-title">
            <h2 id="controls-title">{t("manage.controlsTitle")}</h2>
            <p className="muted small">{t("manage.controlsIntro")}</p>
            {companies.map((c) => (
              <ControlsRow key={c.id} company={c} />
            ))}
          </section>
        </>
      )}
    </>
  );
}

function SetCellCard() {
  const { companies, departments, categories } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const mine = lastResult?.formName === "set-cell" ? lastResult : undefined;
  const { t, i18n } = useTranslation("budgets");
  const [companyId, setCompanyId] = useState(companies[0]?.id ?? "");
  const company = companies.find((c) => c.id === companyId);
  const [form, fields] = useForm({
    id: "set-cell",
    lastResult: mine,
    defaultValue: { companyId, period: new Date().toISOString().slice(0, company?.budgetPeriod === "YEAR" ? 4 : 7) },
    onValidate: ({ formData }) => parseForm(formData, SetCellForm),
    shouldValidate: "onBlur",
  });
  const busy = useNavigation().state !== "idle";
  const err = (name: string, errors: string[] | undefined) => (
    <FieldError errors={errors} name={name} ns="budgets" prefix="errors" />
  );
  return (
    <section className="card" aria-labelledby="set-cell-title">
      <h2 id="set-cell-title">{t("manage.cellTitle")}</h2>
      {mine?.done === "saved" ? <p className="notice" role="status">{t("manage.saved")}</p> : null}
      {form.errors?.[0] ? <FieldError errors={form.errors} ns="budgets" prefix="errors" /> : null}
      <Form method="post" className="row" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="set-cell" />
        <label className="field">
          <span>{t("overview.company")}</span>
          <select {...getSelectProps(fields.companyId)} value={companyId} onChange={(e) => setCompanyId(e.target.value)}>
            {companies.map((c) => (
              <option key={c.id} value={c.id}>{c.code} · {localName(c, i18n.language)}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("overview.department")}</span>
          <select {...getSelectProps(fields.departmentId)} key={companyId}>
            {departments.filter((d) => d.companyId === companyId).map((d) => (
              <option key={d.id} value={d.id}>{d.code} · {localName(d, i18n.language)}</option>
            ))}
          </select>
          {err("departmentId", fields.departmentId.errors)}
        </label>
        <label className="field">
          <span>{t("manage.period")}</span>
          <input {...getInputProps(fields.period, { type: "text" })} placeholder={company?.budgetPeriod === "YEAR" ? "2026" : "2026-12"} size={8} title={t("manage.periodHint")} />
          {err("period", fields.period.errors)}
        </label>
        <label className="field">
          <span>{t("manage.category")}</span>
          <select {...getSelectProps(fields.categoryCode)}>
            <option value="">{t("manage.allCategories")}</option>
            {categories.map((c) => (
              <option key={c.code} value={c.code}>{localName(c, i18n.language)}</option>
            ))}
          </select>
          {err("categoryCode", fields.categoryCode.errors)}
        </label>
        <label className="field">
          <span>{t("manage.amount")} ({company?.currency})</span>
          <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" className="num" size={12} />
          {err("amount", fields.amount.errors)}
        </label>
        <label className="field grow">
          <span>{t("manage.ownerEmail")}</span>
          <input {...getInputProps(fields.ownerEmail, { type: "email" })} placeholder={t("manage.ownerHint")} />
          {err("ownerEmail", fields.ownerEmail.errors)}
        </label>
        <button type="submit" className="button button-primary" disabled={busy}>{t("manage.save")}</button>
      </Form>
    </section>
  );
}

function ImportCard() {
  const lastResult = useActionData<typeof action>();
  const mine = lastResult?.formName === "import-preview" || lastResult?.formName === "import-commit" ? lastResult : undefined;
  const { t } = useTranslation("budgets");
  const [csv, setCsv] = useState(mine?.preview?.csv ?? "");
  const [seen, setSeen] = useState(mine);
  // A new answer from the server (a preview, or the commit) replaces what the box holds.
  if (seen !== mine) {
    setSeen(mine);
    setCsv(mine?.done === "imported" ? "" : (mine?.preview?.csv ?? csv));
  }
  const busy = useNavigation().state !== "idle";
  const preview = mine?.preview;
  const rows = preview && "rows" in preview ? preview.rows : null;
  const bad = rows?.filter((r) => r.errors.length > 0).length ?? 0;
  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t("manage.importTitle")}</h2>
      <p className="muted small">{t("manage.importIntro")}</p>
      <p className="small"><strong>{t("manage.importRule")}</strong></p>
      {mine?.done === "imported" && mine.imported ? (
        <p className="notice" role="status" data-testid="import-done">{t("manage.imported", mine.imported)}</p>
      ) : null}
      {mine?.formName === "import-commit" && mine.error?.[""]?.[0] ? <FieldError errors={mine.error[""]} ns="budgets" prefix="errors" /> : null}
      <Form method="post" className="stack">
        <label className="field">
          <span>{t("manage.file")}</span>
          <input
            type="file"
            accept=".csv,text/csv"
            data-testid="import-file"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) setCsv(await file.text());
            }}
          />
        </label>
        <label className="field">
          <span>{t("manage.text")}</span>
          <textarea name="csv" className="csv" value={csv} onChange={(e) => setCsv(e.target.value)} spellCheck={false} data-testid="import-text" />
        </label>
        <div>
          <button type="submit" name="intent" value="import-preview" className="button" disabled={busy || csv.trim() === ""}>{t("manage.preview")}</button>
        </div>
      </Form>
      {preview && "fileError" in preview ? (
        <p className="form-error" role="alert" data-testid="import-file-error">{t(`errors.${preview.fileError}`, { missing: preview.missing?.join(", ") ?? "" })}</p>
      ) : null}
      {rows ? (
        <>
          <p className={bad > 0 ? "form-error" : "notice"} role="status" data-testid="import-summary">{t("manage.previewSummary", { total: rows.length, bad })}</p>
          <div className="table-wrap">
            <table className="data responsive import-preview" data-testid="import-preview">
              <thead>
                <tr>
                  <th>{t("manage.line")}</th>
                  <th>{t("overview.company")}</th>
                  <th>{t("overview.department")}</th>
                  <th>{t("manage.period")}</th>
                  <th>{t("manage.category")}</th>
                  <th className="num">{t("manage.amount")}</th>
                  <th>{t("manage.ownerEmail")}</th>
                  <th>{t("manage.problems")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.line} className={r.errors.length > 0 ? "row-bad" : undefined} data-testid="import-row">
                    <td data-label={t("manage.line")}>{r.line}</td>
                    <td data-label={t("overview.company")}>{r.company}</td>
                    <td data-label={t("overview.department")}>{r.department}</td>
                    <td data-label={t("manage.period")} className="mono">{r.period}</td>
                    <td data-label={t("manage.category")}>{r.category || <span className="muted">{t("manage.allCategories")}</span>}</td>
                    <td data-label={t("manage.amount")} className="num">{r.amount}</td>
                    <td data-label={t("manage.ownerEmail")}>{r.ownerEmail}</td>
                    <td data-label={t("manage.problems")} data-testid="import-row-problems">
                      {r.errors.length === 0 ? (
                        <span className="badge band-ok">{t("manage.ok")}</span>
                      ) : (
                        <div>
                          {r.errors.map((code) => (
                            <div key={code} className="field-error">{t(`errors.${code}`)}</div>
                          ))}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview && "clean" in preview && preview.clean ? (
            <Form method="post" style={{ marginTop: "0.75rem" }}>
              <input type="hidden" name="csv" value={preview.csv} />
              <button type="submit" name="intent" value="import-commit" className="button button-primary" disabled={busy}>{t("manage.commit", { count: rows.length })}</button>
            </Form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

type CompanyRow = ReturnType<typeof useLoaderData<typeof loader>>["companies"][number];

function ControlsRow({ company }: { company: CompanyRow }) {
  const lastResult = useActionData<typeof action>();
  const mine = lastResult?.formName === "controls" && lastResult.companyId === company.id ? lastResult : undefined;
  const { t, i18n } = useTranslation("budgets");
  const [form, fields] = useForm({
    id: `controls-${company.id}`,
    lastResult: mine,
    defaultValue: { alertPct: String(company.budgetAlertPct), approvalPct: String(company.budgetApprovalPct), stopPct: String(company.budgetStopPct), budgetPeriod: company.budgetPeriod },
    onValidate: ({ formData }) => parseForm(formData, ControlsForm),
    shouldValidate: "onBlur",
  });
  const busy = useNavigation().state !== "idle";
  const err = (name: string, errors: string[] | undefined) => <FieldError errors={errors} name={`${company.code}-${name}`} ns="budgets" prefix="errors" />;
  return (
    <Form method="post" className="row" {...getFormProps(form)} aria-label={company.code} style={{ marginBottom: "0.75rem" }}>
      <input type="hidden" name="intent" value="controls" />
      <input type="hidden" name="companyId" value={company.id} />
      <strong style={{ minWidth: "10rem" }}>{company.code} · {localName(company, i18n.language)}</strong>
      <label className="field">
        <span>{t("manage.alertPct")}</span>
        <input {...getInputProps(fields.alertPct, { type: "number" })} min={1} max={1000} className="num" style={{ width: "6rem" }} />
        {err("alertPct", fields.alertPct.errors)}
      </label>
      <label className="field">
        <span>{t("manage.approvalPct")}</span>
        <input {...getInputProps(fields.approvalPct, { type: "number" })} min={1} max={1000} className="num" style={{ width: "6rem" }} />
        {err("approvalPct", fields.approvalPct.errors)}
      </label>
      <label className="field">
        <span>{t("manage.stopPct")}</span>
        <input {...getInputProps(fields.stopPct, { type: "number" })} min={1} max={1000} className="num" style={{ width: "6rem" }} />
        {err("stopPct", fields.stopPct.errors)}
      </label>
      <label className="field">
        <span>{t("manage.budgetPeriod")}</span>
        <select {...getSelectProps(fields.budgetPeriod)}>
          <option value="MONTH">{t("manage.MONTH")}</option>
          <option value="YEAR">{t("manage.YEAR")}</option>
        </select>
      </label>
      <button type="submit" className="button" disabled={busy}>{t("manage.saveControls")}</button>
      {mine?.done === "controls" ? <span className="muted small" role="status">{t("manage.controlsSaved")}</span> : null}
    </Form>
  );
}

export const ErrorBoundary = RouteError;
