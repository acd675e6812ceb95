import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { getFormProps, useForm, type Submission } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { formatMoney, isCurrencyCode, minorToDecimalString, parseAmount } from "~/domain/money";
import { ReturnReasonInputSchema } from "~/domain/return-reasons";
import { bandCurrency, RoutingRuleInputSchema, type RuleConditions } from "~/domain/routing";
import { getClaimFormOptions } from "~/models/org.server";
import {
  bandCurrencyError,
  deleteRoutingRule,
  listReturnReasons,
  listRoutingRules,
  moveRoutingRule,
  saveReturnReason,
  saveRoutingRule,
} from "~/models/routing-rules.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { localName } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Routing rules · Accounting Factory" }];

export async function loader({ request }: LoaderFunctionArgs) {
  // ADMIN edits; SUPERVISOR may look.
  const user = await requireRole(request, "ADMIN", "SUPERVISOR");
  const canEdit = hasRole(user, "ADMIN");
  const [rules, reasons, options, groups] = await Promise.all([
    listRoutingRules(),
    listReturnReasons(),
    getClaimFormOptions(),
    prisma.processingGroup.findMany({ orderBy: { code: "asc" }, select: { id: true, name: true, nameZh: true, isDefault: true } }),
  ]);
  const editId = new URL(request.url).searchParams.get("edit");
  const editing = canEdit && editId ? (rules.find((r) => r.id === editId) ?? null) : null;
  const companies = options.companies.map((c) => ({ id: c.id, currency: c.currency.trim() }));
  return {
    // A stored band in a currency none of the rule's companies books in can never match: say so.
    rules: rules.map((r) => ({ ...r, deadBand: r.conditionsValid && bandCurrencyError(r.conditions, companies)?.field === "conditions.totalCurrency" })),
    reasons,
    options,
    groups,
    canEdit,
    editing,
  };
}

/** Optional text, blank read as absent. */
const typedText = z
  .string()
  .optional()
  .transform((text) => (text?.trim() ? text.trim() : undefined));
/** An optional number as typed: absent stays absent, anything else is the rule schema's to judge. */
const typedNumber = typedText.transform((text) => (text === undefined ? undefined : Number(text)));
const chosen = z.array(z.string()).default([]);

/**
 * The rule form: the fields as the admin fills them in, read into a rule whose conditions the domain's
 * schema then checks. The band's amounts are read in the band's currency (its minor units: 2 decimals
 * for CNY and HKD, 0 for JPY); a bad amount stops there, so a rule is never checked (or saved) wider
 * than the admin meant.
 */
const RuleFormSchema = z
  .object({
    intent: z.literal("save"),
    id: z.string().optional(),
    name: z.string().optional(),
    groupId: z.string().optional(),
    position: typedNumber,
    priority: typedNumber,
    active: z.boolean().default(false),
    companyIds: chosen,
    departmentIds: chosen,
    categoryCodes: chosen,
    categoryMatch: z.string().optional(),
    currencies: z.string().optional(),
    foreignCurrency: z.string().optional(),
    totalCurrency: z.string().optional(),
    minTotal: typedText,
    maxTotal: typedText,
    minLines: typedNumber,
    maxLines: typedNumber,
  })
  .transform((form, ctx) => {
    const c: RuleConditions = {};
    if (form.companyIds.length) c.companyIds = form.companyIds;
    if (form.departmentIds.length) c.departmentIds = form.departmentIds;
    if (form.categoryCodes.length) {
      c.categoryCodes = form.categoryCodes;
      c.categoryMatch = form.categoryMatch === "all" ? "all" : "any";
    }
    const currencies = (form.currencies ?? "").split(/[,\s]+/).filter(Boolean);
    if (currencies.length) c.currencies = currencies;
    if (form.foreignCurrency === "yes") c.foreignCurrency = true;
    if (form.foreignCurrency === "no") c.foreignCurrency = false;
    const totalCurrency = (form.totalCurrency ?? "").trim().toUpperCase();
    const band = [[form.minTotal, "minTotalMinor"], [form.maxTotal, "maxTotalMinor"]] as const;
    const fail = (key: string, message: string) => ctx.issues.push({ code: "custom", input: form, path: ["conditions", key], message });
    if (band.some(([text]) => text !== undefined)) {
      if (!isCurrencyCode(totalCurrency)) {
        fail("totalCurrency", totalCurrency === "" ? "required" : "invalid_currency");
        return z.NEVER;
      }
      c.totalCurrency = totalCurrency;
    }
    for (const [text, key] of band) {
      if (text === undefined) continue;
      const parsed = parseAmount(text, totalCurrency);
      if (!parsed.ok) fail(key, parsed.code);
      else if (parsed.minor < 0n) fail(key, "negative");
      else c[key] = parsed.minor.toString();
    }
    if (form.minLines !== undefined) c.minLines = form.minLines;
    if (form.maxLines !== undefined) c.maxLines = form.maxLines;
    return {
      ...(form.id ? { id: form.id } : {}),
      name: form.name ?? "",
      // No group chosen: the model answers unknown_group, as for a group that no longer exists.
      groupId: form.groupId ?? "",
      position: form.position ?? Number.NaN,
      active: form.active,
      priority: form.priority ?? null,
      conditions: c,
    };
  })
  .pipe(RoutingRuleInputSchema);

const ReasonFormSchema = ReturnReasonInputSchema.extend({
  intent: z.literal("reason"),
  code: z.string("invalid_code"),
  active: z.boolean().default(false),
});

/** The buttons on each rule's row. */
const RowActionSchema = z.object({ intent: z.enum(["up", "down", "delete"]), id: z.string() });

/** A model's field codes as the form's error lists. */
function withFieldErrors(submission: Submission<unknown>, fieldErrors: Record<string, string>) {
  return submission.reply({ fieldErrors: Object.fromEntries(Object.entries(fieldErrors).map(([name, code]) => [name, [code]])) });
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, "ADMIN");
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "up" || intent === "down" || intent === "delete") {
    const submission = parseForm(formData, RowActionSchema);
    if (submission.status !== "success") return submission.reply();
    const { intent, id } = submission.value;
    if (intent === "delete") await deleteRoutingRule({ admin, id });
    else await moveRoutingRule({ admin, id, direction: intent });
    return submission.reply();
  }
  if (intent === "reason") {
    const submission = parseForm(formData, ReasonFormSchema);
    if (submission.status !== "success") return submission.reply();
    const result = await saveReturnReason({ admin, ...submission.value });
    return result.ok ? submission.reply() : withFieldErrors(submission, result.fieldErrors);
  }
  if (intent !== "save") throw new Response("Bad request", { status: 400 });
  const submission = parseForm(formData, RuleFormSchema);
  if (submission.status !== "success") return submission.reply();
  const result = await saveRoutingRule({ admin, rule: submission.value });
  if (!result.ok) return withFieldErrors(submission, result.fieldErrors);
  return redirect("/admin/routing");
}

function amount(minor: string, currency: string, locale: string): string {
  return formatMoney({ minor: BigInt(minor), currency }, locale);
}

/** "Category any of TAXI, HOTEL; total ≥ 20,000.00" */
function summarise(c: RuleConditions, t: TFunction, locale: string, names: Map<string, string>): string {
  const parts: string[] = [];
  const named = (ids: string[]) => ids.map((id) => names.get(id) ?? id).join(", ");
  if (c.companyIds) parts.push(t("summary.companies", { list: named(c.companyIds) }));
  if (c.departmentIds) parts.push(t("summary.departments", { list: named(c.departmentIds) }));
  if (c.categoryCodes) parts.push(t(c.categoryMatch === "all" ? "summary.categoriesAll" : "summary.categoriesAny", { list: c.categoryCodes.join(", ") }));
  if (c.currencies) parts.push(t("summary.currencies", { list: c.currencies.join(", ") }));
  if (c.foreignCurrency !== undefined) parts.push(t(c.foreignCurrency ? "summary.foreignYes" : "summary.foreignNo"));
  const band = bandCurrency(c);
  if (c.minTotalMinor !== undefined) parts.push(t("summary.minTotal", { amount: amount(c.minTotalMinor, band ?? "CNY", locale) }));
  if (c.maxTotalMinor !== undefined) parts.push(t("summary.maxTotal", { amount: amount(c.maxTotalMinor, band ?? "CNY", locale) }));
  if (c.minLines !== undefined) parts.push(t("summary.minLines", { count: c.minLines }));
  if (c.maxLines !== undefined) parts.push(t("summary.maxLines", { count: c.maxLines }));
  return parts.length ? parts.join(t("summary.separator")) : t("summary.everything");
}

type CompanyOption = { id: string; currency: string };

/**
 * The total band's currency in the form: the currencies the companies keep their books in. It follows
 * the first selected company (none selected: the most common one) until the admin picks one; an edited rule starts
 * with its stored band currency (CNY for rules saved before bands carried one).
 */
function useBandCurrency(companies: readonly CompanyOption[], c: RuleConditions, formKey: string) {
  const offered = [...new Set(companies.map((co) => co.currency.trim()))];
  // With no company selected: the currency most companies keep their books in.
  const usual = offered.reduce<string | undefined>(
    (best, cur) => (best === undefined || companies.filter((co) => co.currency.trim() === cur).length > companies.filter((co) => co.currency.trim() === best).length ? cur : best),
    undefined,
  );
  const stored = bandCurrency(c);
  const followCompanies = (ids: readonly string[]) => companies.find((co) => co.id === ids[0])?.currency.trim() ?? usual ?? "CNY";
  const initial = () => ({ key: formKey, currency: stored ?? followCompanies(c.companyIds ?? []), touched: stored !== null });
  const [state, setState] = useState(initial);
  // A new form (another rule, or after a save) starts again from its own rule.
  const current = state.key === formKey ? state : initial();
  if (current !== state) setState(current);
  return {
    currency: current.currency,
    stored,
    // A stored band in a currency no company uses any more is still shown, so saving it fails visibly.
    offered: offered.includes(current.currency) ? offered : [current.currency, ...offered],
    chosen: (currency: string) => setState({ ...current, currency, touched: true }),
    companiesChanged: (ids: string[]) => {
      if (!current.touched) setState({ ...current, currency: followCompanies(ids) });
    },
  };
}

export default function AdminRouting() {
  const { rules, reasons, options, groups, canEdit, editing } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("admin");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  const names = new Map<string, string>();
  for (const company of options.companies) {
    names.set(company.id, localName(company, locale));
    for (const d of company.departments) names.set(d.id, localName(d, locale));
  }
  const defaultGroup = groups.find((g) => g.isDefault);
  const saved = lastResult?.status === "success";
  // One action answers three forms: each shows only what was sent from it.
  const sentFrom = (intent: string) => (lastResult?.initialValue?.intent === intent ? lastResult : undefined);
  const c: RuleConditions = editing?.conditions ?? {};
  const nextPosition = rules.reduce((max, r) => Math.max(max, r.position), 0) + 10;
  const formKey = `${editing?.id ?? "new"}-${rules.length}-${saved ? navigation.state : "keep"}`;
  const band = useBandCurrency(options.companies, c, formKey);
  const [ruleForm] = useForm({
    id: `rule-${formKey}`,
    lastResult: sentFrom("save"),
    onValidate: ({ formData }) => parseForm(formData, RuleFormSchema),
    shouldValidate: "onSubmit",
  });
  const [reasonForm] = useForm({
    id: "return-reason",
    lastResult: sentFrom("reason"),
    onValidate: ({ formData }) => parseForm(formData, ReasonFormSchema),
    shouldValidate: "onSubmit",
  });
  // Condition codes are keyed by the rule's own names ("conditions.minLines", "conditions.currencies[0]"), not by the inputs'.
  const errorsAt = (all: Record<string, string[]>, name: string) => Object.entries(all).find(([key]) => key === name || key.startsWith(`${name}[`))?.[1];
  const ruleError = (name: string) => errorsAt(ruleForm.allErrors, name);
  const reasonError = (name: string) => errorsAt(reasonForm.allErrors, name);

  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <p className="muted">{t(canEdit ? "intro" : "readOnly")}</p>
      {saved ? <p className="notice" role="status">{t("saved")}</p> : null}

      <div className="table-wrap">
        <table className="data" data-testid="routing-rules">
          <thead>
            <tr>
              <th className="num">{t("cols.position")}</th>
              <th>{t("cols.name")}</th>
              <th>{t("cols.group")}</th>
              <th>{t("cols.conditions")}</th>
              <th>{t("cols.active")}</th>
              <th className="num">{t("cols.priority")}</th>
              {canEdit ? <th><span className="visually-hidden">{t("cols.actions")}</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, index) => (
              <tr key={rule.id} data-testid="routing-rule">
                <td className="num">{rule.position}</td>
                <td>{rule.name}</td>
                <td>{localName({ name: rule.groupName, nameZh: rule.groupNameZh }, locale)}</td>
                <td>
                  {rule.conditionsValid ? summarise(rule.conditions, t, locale, names) : <span className="field-error">{t("invalidStored")}</span>}
                  {rule.deadBand ? <p className="field-error" data-testid="dead-band">{t("deadBand", { currency: bandCurrency(rule.conditions) })}</p> : null}
                </td>
                <td>{rule.active ? t("yes") : t("no")}</td>
                <td className="num">{rule.priority ?? "—"}</td>
                {canEdit ? (
                  <td>
                    <Form method="post" className="admin-actions">
                      <input type="hidden" name="id" value={rule.id} />
                      <button type="submit" name="intent" value="up" className="button button-small" disabled={busy || index === 0} aria-label={t("up")}>↑</button>
                      <button type="submit" name="intent" value="down" className="button button-small" disabled={busy || index === rules.length - 1} aria-label={t("down")}>↓</button>
                      <Link to={`?edit=${rule.id}`} className="button button-small">{t("edit")}</Link>
                      <button type="submit" name="intent" value="delete" className="button button-small button-danger" disabled={busy}>{t("delete")}</button>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
            <tr className="admin-default-row">
              <td className="num">—</td>
              <td colSpan={canEdit ? 6 : 5} className="muted">
                {t("defaultRow", { group: defaultGroup ? localName(defaultGroup, locale) : t("noDefault") })}
              </td>
            </tr>
          </tbody>
        </table>
      </div>

      {canEdit ? (
        <section className="card admin-section">
          <h2>{editing ? t("form.editTitle", { name: editing.name }) : t("form.addTitle")}</h2>
          <Form method="post" className="stack" key={formKey} {...getFormProps(ruleForm)}>
            <input type="hidden" name="intent" value="save" />
            {editing ? <input type="hidden" name="id" value={editing.id} /> : null}
            <div className="row">
              <label className="field grow">
                <span>{t("form.name")}</span>
                <input name="name" defaultValue={editing?.name ?? ""} maxLength={200} required />
                <FieldError errors={ruleError("name")} name="name" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.group")}</span>
                <select name="groupId" defaultValue={editing?.groupId ?? ""} required>
                  <option value="" disabled>{t("form.chooseGroup")}</option>
                  {groups.map((g) => <option key={g.id} value={g.id}>{localName(g, locale)}</option>)}
                </select>
                <FieldError errors={ruleError("groupId")} name="groupId" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.position")}</span>
                <input name="position" type="number" min={0} step={1} defaultValue={editing?.position ?? nextPosition} required />
                <FieldError errors={ruleError("position")} name="position" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.priority")}</span>
                <input name="priority" type="number" step={1} defaultValue={editing?.priority ?? ""} />
                <FieldError errors={ruleError("priority")} name="priority" ns="admin" prefix="errors" />
              </label>
              <label className="field admin-check">
                <span>{t("form.active")}</span>
                <input name="active" type="checkbox" defaultChecked={editing?.active ?? true} />
              </label>
            </div>
            <FieldError errors={ruleError("conditions")} name="conditions" ns="admin" prefix="errors" />
            <div className="row">
              <label className="field">
                <span>{t("form.companies")}</span>
                <select
                  name="companyIds"
                  multiple
                  defaultValue={c.companyIds ?? []}
                  size={4}
                  onChange={(e) => band.companiesChanged(Array.from(e.currentTarget.selectedOptions, (o) => o.value))}
                >
                  {options.companies.map((co) => <option key={co.id} value={co.id}>{localName(co, locale)} · {co.currency}</option>)}
                </select>
                <FieldError errors={ruleError("conditions.companyIds")} name="conditions.companyIds" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.departments")}</span>
                <select name="departmentIds" multiple defaultValue={c.departmentIds ?? []} size={4}>
                  {options.companies.map((co) => (
                    <optgroup key={co.id} label={localName(co, locale)}>
                      {co.departments.map((d) => <option key={d.id} value={d.id}>{localName(d, locale)}</option>)}
                    </optgroup>
                  ))}
                </select>
                <FieldError errors={ruleError("conditions.departmentIds")} name="conditions.departmentIds" ns="admin" prefix="errors" />
              </label>
            </div>
            <fieldset className="admin-fieldset">
              <legend>{t("form.categories")}</legend>
              <div className="admin-checks">
                {options.categories.map((cat) => (
                  <label key={cat.code} className="admin-check-inline">
                    <input type="checkbox" name="categoryCodes" value={cat.code} defaultChecked={c.categoryCodes?.includes(cat.code) ?? false} />
                    {cat.code} · {localName(cat, locale)}
                  </label>
                ))}
              </div>
              <div className="admin-checks">
                <label className="admin-check-inline">
                  <input type="radio" name="categoryMatch" value="any" defaultChecked={c.categoryMatch !== "all"} /> {t("form.matchAny")}
                </label>
                <label className="admin-check-inline">
                  <input type="radio" name="categoryMatch" value="all" defaultChecked={c.categoryMatch === "all"} /> {t("form.matchAll")}
                </label>
              </div>
              <FieldError errors={ruleError("conditions.categoryCodes")} name="conditions.categoryCodes" ns="admin" prefix="errors" />
            </fieldset>
            <div className="row">
              <label className="field">
                <span>{t("form.currencies")}</span>
                <input name="currencies" placeholder="USD, EUR" defaultValue={c.currencies?.join(", ") ?? ""} />
                <FieldError errors={ruleError("conditions.currencies")} name="conditions.currencies" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.foreign")}</span>
                <select name="foreignCurrency" defaultValue={c.foreignCurrency === undefined ? "any" : c.foreignCurrency ? "yes" : "no"}>
                  <option value="any">{t("form.any")}</option>
                  <option value="yes">{t("yes")}</option>
                  <option value="no">{t("no")}</option>
                </select>
              </label>
              <label className="field admin-band-currency">
                <span>{t("form.totalCurrency")}</span>
                <select name="totalCurrency" value={band.currency} onChange={(e) => band.chosen(e.currentTarget.value)} aria-describedby="band-currency-hint">
                  {band.offered.map((cur) => <option key={cur} value={cur}>{cur}</option>)}
                </select>
                <FieldError errors={ruleError("conditions.totalCurrency")} name="conditions.totalCurrency" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.minTotal", { currency: band.currency })}</span>
                <input name="minTotal" inputMode="decimal" defaultValue={c.minTotalMinor ? minorToDecimalString(BigInt(c.minTotalMinor), band.stored ?? "CNY") : ""} />
                <FieldError errors={ruleError("conditions.minTotalMinor")} name="conditions.minTotalMinor" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.maxTotal", { currency: band.currency })}</span>
                <input name="maxTotal" inputMode="decimal" defaultValue={c.maxTotalMinor ? minorToDecimalString(BigInt(c.maxTotalMinor), band.stored ?? "CNY") : ""} />
                <FieldError errors={ruleError("conditions.maxTotalMinor")} name="conditions.maxTotalMinor" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.minLines")}</span>
                <input name="minLines" type="number" min={0} step={1} defaultValue={c.minLines ?? ""} />
                <FieldError errors={ruleError("conditions.minLines")} name="conditions.minLines" ns="admin" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("form.maxLines")}</span>
                <input name="maxLines" type="number" min={0} step={1} defaultValue={c.maxLines ?? ""} />
                <FieldError errors={ruleError("conditions.maxLines")} name="conditions.maxLines" ns="admin" prefix="errors" />
              </label>
            </div>
            <p className="muted small" id="band-currency-hint">{t("form.totalCurrencyHint")}</p>
            <div className="row">
              <button type="submit" className="button button-primary" disabled={busy}>{t("form.save")}</button>
              {editing ? <Link to="." className="button">{t("form.cancel")}</Link> : null}
            </div>
          </Form>
        </section>
      ) : null}

      <section className="card admin-section">
        <h2>{t("reasons.title")}</h2>
        <div className="table-wrap">
          <table className="data" data-testid="return-reasons">
            <thead>
              <tr>
                <th>{t("reasons.code")}</th>
                <th>{t("reasons.name")}</th>
                <th>{t("reasons.nameZh")}</th>
                <th>{t("cols.active")}</th>
              </tr>
            </thead>
            <tbody>
              {reasons.map((r) => (
                <tr key={r.code}>
                  <td className="mono">{r.code}</td>
                  <td>{r.name}</td>
                  <td>{r.nameZh}</td>
                  <td>{r.active ? t("yes") : t("no")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <Form method="post" className="row admin-section" {...getFormProps(reasonForm)}>
            <input type="hidden" name="intent" value="reason" />
            <label className="field">
              <span>{t("reasons.code")}</span>
              <input name="code" required maxLength={40} className="mono" />
              <FieldError errors={reasonError("code")} name="code" ns="admin" prefix="errors" />
            </label>
            <label className="field grow">
              <span>{t("reasons.name")}</span>
              <input name="name" required maxLength={200} />
              <FieldError errors={reasonError("name")} name="name" ns="admin" prefix="errors" />
            </label>
            <label className="field grow">
              <span>{t("reasons.nameZh")}</span>
              <input name="nameZh" required maxLength={200} lang="zh-CN" />
              <FieldError errors={reasonError("nameZh")} name="nameZh" ns="admin" prefix="errors" />
            </label>
            <label className="field admin-check">
              <span>{t("form.active")}</span>
              <input name="active" type="checkbox" defaultChecked />
            </label>
            <button type="submit" className="button" disabled={busy}>{t("reasons.save")}</button>
          </Form>
        ) : null}
        {canEdit ? <p className="muted small">{t("reasons.hint")}</p> : null}
      </section>
    </>
  );
}

export const ErrorBoundary = RouteError;
