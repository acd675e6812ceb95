import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { BankAccountFields, type AccountKind } from "~/components/bank-account-fields";
import { FieldError } from "~/components/field-error";
import { TreasuryTabs } from "~/components/treasury-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { BANK_CHANGE_POLICIES, PAYER_CONNECTORS, PAYER_FILE_FORMATS, PayerAccountSchema, TreasurySettingsSchema } from "~/domain/bank-change";
import { addPayerAccount, deactivatePayerAccount, listPayerAccounts, makeDefaultPayerAccount, saveTreasurySettings, type CompanyTreasuryView } from "~/models/payer-accounts.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { localName } from "~/utils/format";
import { parseForm, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Payer accounts · Accounting Factory" }];

/** Treasury and admins: the payer accounts and treasury settings of their companies (user_company). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "TREASURY", "ADMIN");
  return { companies: await listPayerAccounts(prisma, user), canSettings: hasRole(user, "ADMIN") };
}

const AddSchema = z.intersection(z.object({ intent: z.literal("add"), companyId: z.string().min(1).max(64) }), PayerAccountSchema);
const RowSchema = z.object({ intent: z.enum(["deactivate", "default"]), payerAccountId: z.string().min(1).max(64) });
const IntentSchema = z.object({ intent: z.enum(["add", "deactivate", "default", "settings"]) });

type Reply = FormReply & { formName: string; companyId?: string; done?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "TREASURY", "ADMIN");
  const formData = await request.formData();
  const intent = IntentSchema.safeParse({ intent: formData.get("intent") });
  if (!intent.success) throw new Response("Bad request", { status: 400 });
  const companyId = String(formData.get("companyId") ?? "");
  const reply = (r: unknown, done?: string): Reply => ({ ...(r as FormReply), formName: intent.data.intent, companyId, ...(done ? { done } : {}) });
  switch (intent.data.intent) {
    case "add": {
      const submission = parseForm(formData, AddSchema);
      if (submission.status !== "success") return reply(submission.reply());
      try {
        await addPayerAccount(prisma, { actor: user, companyId: submission.value.companyId, input: submission.value });
        return reply(submission.reply({ resetForm: true }), "added");
      } catch (error) {
        return reply(replyWithError(submission, error, { status: 200 }));
      }
    }
    case "settings": {
      // Only admins change a company's treasury settings: 403 for treasury before the form is read.
      if (!hasRole(user, "ADMIN")) throw new Response("Forbidden", { status: 403 });
      const submission = parseForm(formData, TreasurySettingsSchema);
      if (submission.status !== "success") return reply(submission.reply());
      try {
        await saveTreasurySettings(prisma, { actor: user, values: submission.value });
        return reply(submission.reply(), "settings");
      } catch (error) {
        return reply(replyWithError(submission, error, { status: 200 }));
      }
    }
    default: {
      const submission = parseForm(formData, RowSchema);
      if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
      const { payerAccountId } = submission.value;
      try {
        if (submission.value.intent === "deactivate") await deactivatePayerAccount(prisma, { actor: user, payerAccountId });
        else await makeDefaultPayerAccount(prisma, { actor: user, payerAccountId });
        return reply(submission.reply(), submission.value.intent);
      } catch (error) {
        return reply(replyWithError(submission, error, { status: 200 }));
      }
    }
  }
}

function AddAccountForm({ company, lastResult }: { company: CompanyTreasuryView; lastResult: Reply | undefined }) {
  const { t } = useTranslation("bank");
  const navigation = useNavigation();
  const [kind, setKind] = useState<AccountKind>(company.currency === "CNY" ? "cn" : "iban");
  const [form, fields] = useForm({
    id: `add-${company.id}`,
    lastResult: lastResult as never,
    defaultValue: { currency: company.currency, connector: "file", fileFormat: company.currency === "CNY" ? "cn-batch-csv" : "pain001" },
    onValidate: ({ formData }) => parseForm(formData, AddSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const f = fields as unknown as Record<string, Parameters<typeof getInputProps>[0]>;
  return (
    <details className="card" open={lastResult?.status === "error" ? true : undefined}>
      <summary data-testid={`add-payer-${company.code}`}>{t("payer.add")}</summary>
      <Form method="post" className="stack" style={{ marginTop: "0.75rem" }} {...getFormProps(form)}>
        <input type="hidden" name="intent" value="add" />
        <input type="hidden" name="companyId" value={company.id} />
        {form.errors?.[0] ? <FieldError errors={form.errors} ns="bank" prefix="errors" /> : null}
        <div className="grid-2">
          <label className="field">
            <span>{t("payer.name")}</span>
            <input {...getInputProps(f.name!, { type: "text" })} key={f.name!.key} data-testid="payer-name" />
            <FieldError errors={f.name!.errors} name="name" ns="bank" prefix="errors" />
          </label>
          <label className="field">
            <span>{t("payer.currency")}</span>
            <input {...getInputProps(f.currency!, { type: "text" })} key={f.currency!.key} maxLength={3} data-testid="payer-currency" />
            <FieldError errors={f.currency!.errors} name="currency" ns="bank" prefix="errors" />
          </label>
          <label className="field">
            <span>{t("payer.connector")}</span>
            <select {...getSelectProps(f.connector as never)} key={f.connector!.key}>
              {PAYER_CONNECTORS.map((c) => (
                <option key={c} value={c}>{t(`connector.${c}`)}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("payer.fileFormat")}</span>
            <select {...getSelectProps(f.fileFormat as never)} key={f.fileFormat!.key}>
              {PAYER_FILE_FORMATS.map((c) => (
                <option key={c} value={c}>{t(`format.${c}`)}</option>
              ))}
            </select>
            <FieldError errors={f.fileFormat!.errors} name="fileFormat" ns="bank" prefix="errors" />
          </label>
        </div>
        <BankAccountFields fields={fields as never} kind={kind} onKind={setKind} />
        <div className="row">
          <button type="submit" className="button button-primary" disabled={navigation.state !== "idle"}>{t("payer.save")}</button>
        </div>
      </Form>
    </details>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** One block per cell, so a phone's stacked table row wraps long account numbers instead of overflowing. */
const CELL = { minWidth: 0, overflowWrap: "anywhere" } as const;

function SettingsForm({ company, lastResult }: { company: CompanyTreasuryView; lastResult: Reply | undefined }) {
  const { t } = useTranslation("bank");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `settings-${company.id}`,
    lastResult: lastResult as never,
    defaultValue: {
      bankChangePolicy: company.settings.bankChangePolicy,
      bankChangeCoolingHours: String(company.settings.bankChangeCoolingHours),
      bankChangeFlagDays: String(company.settings.bankChangeFlagDays),
      paymentWeekdays: company.settings.paymentWeekdays.map(String),
    },
    onValidate: ({ formData }) => parseForm(formData, TreasurySettingsSchema),
    shouldValidate: "onSubmit",
  });
  const chosen = new Set(company.settings.paymentWeekdays);
  return (
    <Form method="post" className="card stack" {...getFormProps(form)} data-testid={`settings-${company.code}`}>
      <h3>{t("settings.title")}</h3>
      <input type="hidden" name="intent" value="settings" />
      <input type="hidden" name="companyId" value={company.id} />
      <div className="grid-2">
        <label className="field">
          <span>{t("settings.policy")}</span>
          <select {...getSelectProps(fields.bankChangePolicy)} key={fields.bankChangePolicy.key}>
            {BANK_CHANGE_POLICIES.map((p) => (
              <option key={p} value={p}>{t(`policy.${p}`)}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("settings.coolingHours")}</span>
          <input {...getInputProps(fields.bankChangeCoolingHours, { type: "text" })} key={fields.bankChangeCoolingHours.key} inputMode="numeric" />
          <FieldError errors={fields.bankChangeCoolingHours.errors} name="bankChangeCoolingHours" ns="bank" prefix="errors" />
        </label>
        <label className="field">
          <span>{t("settings.flagDays")}</span>
          <input {...getInputProps(fields.bankChangeFlagDays, { type: "text" })} key={fields.bankChangeFlagDays.key} inputMode="numeric" />
          <FieldError errors={fields.bankChangeFlagDays.errors} name="bankChangeFlagDays" ns="bank" prefix="errors" />
        </label>
        <fieldset className="admin-fieldset">
          <legend>{t("settings.weekdays")}</legend>
          <div className="admin-checks">
            {WEEKDAYS.map((d) => (
              <label key={d} className="admin-check">
                <input type="checkbox" name="paymentWeekdays" value={d} defaultChecked={chosen.has(d)} /> {t(`weekday.${d}`)}
              </label>
            ))}
          </div>
          <FieldError errors={fields.paymentWeekdays.errors} name="paymentWeekdays" ns="bank" prefix="errors" />
        </fieldset>
      </div>
      <div className="row">
        <button type="submit" className="button" disabled={navigation.state !== "idle"} data-testid="save-settings">{t("settings.save")}</button>
      </div>
    </Form>
  );
}

export default function PayerAccounts() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Reply | undefined;
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("bank");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  return (
    <div className="stack">
      <div className="page-head">
        <h1>{t("payer.title")}</h1>
      </div>
      <TreasuryTabs />
      <p className="muted">{t("payer.intro")}</p>
      {result?.done ? (
        <p className="notice" role="status" data-testid="payer-done">{t(`payer.done.${result.done}`)}</p>
      ) : null}
      {result && !result.done && result.formName !== "add" && result.formName !== "settings" && result.error?.[""] ? (
        <FieldError errors={result.error[""] ?? undefined} ns="bank" prefix="errors" />
      ) : null}
      {data.companies.length === 0 ? <p className="empty card" data-testid="no-companies">{t("payer.noCompanies")}</p> : null}
      {data.companies.map((company) => (
        <section key={company.id} className="stack" data-testid={`company-${company.code}`}>
          <h2>
            {company.code} {localName(company, locale)} <span className="muted small">{company.currency}</span>
          </h2>
          {company.accounts.length === 0 ? (
            <p className="empty card">{t("payer.empty")}</p>
          ) : (
            <div className="table-wrap">
              <table className="data responsive">
                <thead>
                  <tr>
                    <th scope="col">{t("payer.name")}</th>
                    <th scope="col">{t("payer.currency")}</th>
                    <th scope="col">{t("payer.account")}</th>
                    <th scope="col">{t("payer.link")}</th>
                    <th scope="col">{t("payer.state")}</th>
                    <th scope="col"><span className="visually-hidden">{t("payer.actions")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {company.accounts.map((a) => (
                    <tr key={a.id} data-testid="payer-account" style={a.active ? undefined : { opacity: 0.6 }}>
                      <td data-label={t("payer.name")}><div style={CELL}>{a.name}</div></td>
                      <td data-label={t("payer.currency")}>{a.currency}</td>
                      <td data-label={t("payer.account")}>
                        <div style={CELL}>
                          <span className="mono">{a.details.kind === "cn" ? a.details.accountNumber : a.details.iban}</span>
                          <br />
                          <span className="muted small">
                            {a.details.holderName} · {a.details.kind === "cn" ? `${a.details.bankName} ${a.details.cnapsCode}` : a.details.bic}
                          </span>
                        </div>
                      </td>
                      <td data-label={t("payer.link")}>
                        <div style={CELL}>
                          {t(`connector.${a.connector}`)} · {t(`format.${a.fileFormat}`)}
                        </div>
                      </td>
                      <td data-label={t("payer.state")}>
                        {a.isDefault ? <span className="badge badge-APPROVED">{t("payer.default")}</span> : null}{" "}
                        {a.active ? null : <span className="badge">{t("payer.inactive")}</span>}
                      </td>
                      <td>
                        {a.active ? (
                          <div className="row">
                            {a.isDefault ? null : (
                              <Form method="post">
                                <input type="hidden" name="intent" value="default" />
                                <input type="hidden" name="payerAccountId" value={a.id} />
                                <button type="submit" className="button button-small" disabled={busy}>{t("payer.makeDefault")}</button>
                              </Form>
                            )}
                            <Form method="post">
                              <input type="hidden" name="intent" value="deactivate" />
                              <input type="hidden" name="payerAccountId" value={a.id} />
                              <button type="submit" className="button button-small button-quiet" disabled={busy}>{t("payer.deactivate")}</button>
                            </Form>
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <AddAccountForm company={company} lastResult={result?.formName === "add" && result.companyId === company.id ? result : undefined} />
          {data.canSettings ? (
            <SettingsForm company={company} lastResult={result?.formName === "settings" && result.companyId === company.id ? result : undefined} />
          ) : (
            <p className="muted small" data-testid={`settings-read-${company.code}`}>
              {t("settings.readOnly", {
                policy: t(`policy.${company.settings.bankChangePolicy}`),
                hours: company.settings.bankChangeCoolingHours,
                days: company.settings.bankChangeFlagDays,
                weekdays: company.settings.paymentWeekdays.map((d) => t(`weekday.${d}`)).join(", "),
              })}
            </p>
          )}
        </section>
      ))}
    </div>
  );
}

export const ErrorBoundary = RouteError;
