import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { BudgetTabs } from "~/components/budget-nav";
import { FieldError } from "~/components/field-error";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { TransferDecisionForm, TransferRequestForm } from "~/domain/budget-forms";
import { formatMoney, parseAmount } from "~/domain/money";
import { cancelBudgetTransfer, decideBudgetTransfer, requestBudgetTransfer } from "~/models/budget-admin.server";
import { listBudgetCells, listBudgetTransfers } from "~/models/budget-views.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatDateTime, localName } from "~/utils/format";
import { parseForm, replyDetails, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Budget transfers · Accounting Factory" }];

/** Admins and supervisors of the companies in user_company: their cells and transfers. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ADMIN", "SUPERVISOR");
  const year = new Date().toISOString().slice(0, 4);
  const [thisYear, nextYear, transfers] = await Promise.all([
    listBudgetCells({ id: user.id, roles: user.roles.filter((r) => r === "ADMIN" || r === "SUPERVISOR") }, { year }),
    listBudgetCells({ id: user.id, roles: user.roles.filter((r) => r === "ADMIN" || r === "SUPERVISOR") }, { year: String(Number(year) + 1) }),
    listBudgetTransfers(user),
  ]);
  const cells = [...thisYear.cells, ...nextYear.cells].map((c) => ({
    id: c.id,
    companyCode: c.companyCode,
    department: c.department,
    period: c.period,
    category: c.category,
    currency: c.currency,
    remainingMinor: c.remainingMinor.toString(),
  }));
  return {
    roles: user.roles,
    timeZone: user.timeZone,
    cells,
    transfers: transfers.map((tr) => ({ ...tr, amountMinor: tr.amountMinor.toString() })),
  };
}

const IntentSchema = z.object({ intent: z.enum(["transfer-request", "transfer-approve", "transfer-reject", "transfer-cancel"]) });
type Reply = FormReply & { formName: string; transferId?: string; done?: string };

export async function action({ request }: ActionFunctionArgs): Promise<Reply> {
  const user = await requireRole(request, "ADMIN", "SUPERVISOR");
  const formData = await request.formData();
  const intent = IntentSchema.safeParse({ intent: formData.get("intent") });
  if (!intent.success) throw new Response("Bad request", { status: 400 });
  if (intent.data.intent === "transfer-request") {
    const submission = parseForm(formData, TransferRequestForm);
    const reply = (r: unknown, done?: string): Reply => ({ ...(r as FormReply), formName: "transfer-request", ...(done ? { done } : {}) });
    if (submission.status !== "success") return reply(submission.reply());
    const v = submission.value;
    // The amount is read in the from-cell's currency (the model checks the cells are of the caller's companies).
    const from = await prisma.budgetCell.findUnique({ where: { id: v.fromCellId }, select: { currency: true } });
    if (!from) return reply(submission.reply({ fieldErrors: { fromCellId: ["unknown_cell"] } }));
    const amount = parseAmount(v.amount, from.currency);
    if (!amount.ok || amount.minor <= 0n) return reply(submission.reply({ fieldErrors: { amount: ["bad_amount"] } }));
    try {
      await requestBudgetTransfer(user, { fromCellId: v.fromCellId, toCellId: v.toCellId, amountMinor: amount.minor, reason: v.reason });
      return reply(submission.reply({ resetForm: true }), "requested");
    } catch (error) {
      return reply(replyWithError(submission, error, { status: 200 }));
    }
  }
  const submission = parseForm(formData, TransferDecisionForm);
  const transferId = String(formData.get("transferId") ?? "");
  const reply = (r: unknown, done?: string): Reply => ({ ...(r as FormReply), formName: "decision", transferId, ...(done ? { done } : {}) });
  if (submission.status !== "success") return reply(submission.reply());
  try {
    const v = submission.value;
    if (v.intent === "transfer-cancel") await cancelBudgetTransfer(user, { transferId: v.transferId });
    else await decideBudgetTransfer(user, { transferId: v.transferId, approve: v.intent === "transfer-approve", note: v.note });
    return reply(submission.reply(), "decided");
  } catch (error) {
    return reply(replyWithError(submission, error, { status: 200 }));
  }
}

export default function BudgetTransfers() {
  const { roles, cells, transfers, timeZone } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const mine = lastResult?.formName === "transfer-request" ? lastResult : undefined;
  const { t, i18n } = useTranslation("budgets");
  const lang = i18n.language;
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm({
    id: "transfer-request",
    lastResult: mine,
    onValidate: ({ formData }) => parseForm(formData, TransferRequestForm),
    shouldValidate: "onBlur",
  });
  const cellName = (id: string) => {
    const c = cells.find((x) => x.id === id);
    return c ? `${c.companyCode} · ${localName(c.department, lang)} · ${c.period} · ${c.category ? localName(c.category, lang) : t("overview.allCategories")}` : id;
  };
  const details = replyDetails(mine);
  const available = typeof details.availableMinor === "string" && typeof details.currency === "string" ? formatMoney({ minor: BigInt(details.availableMinor), currency: details.currency }, lang) : null;
  const amountErrors = fields.amount.errors?.[0] === "over_remaining" && available ? ["over_remaining_amount"] : fields.amount.errors;
  const decision = lastResult?.formName === "decision" ? lastResult : undefined;
  return (
    <>
      <div className="page-head">
        <h1>{t("transfers.title")}</h1>
      </div>
      <BudgetTabs roles={roles} />
      <p className="muted">{t("transfers.intro")}</p>
      <section className="card" aria-labelledby="request-title">
        <h2 id="request-title">{t("transfers.requestTitle")}</h2>
        {mine?.done === "requested" ? <p className="notice" role="status">{t("transfers.requested")}</p> : null}
        {cells.length < 2 ? (
          <p className="empty">{t("transfers.noCells")}</p>
        ) : (
          <Form method="post" className="stack" {...getFormProps(form)}>
            <input type="hidden" name="intent" value="transfer-request" />
            <div className="grid-2">
              <label className="field">
                <span>{t("transfers.from")}</span>
                <select {...getSelectProps(fields.fromCellId)}>
                  <option value="">—</option>
                  {cells.map((c) => (
                    <option key={c.id} value={c.id}>
                      {cellName(c.id)} ({formatMoney({ minor: BigInt(c.remainingMinor), currency: c.currency }, lang)})
                    </option>
                  ))}
                </select>
                <FieldError errors={fields.fromCellId.errors} name="fromCellId" ns="budgets" prefix="errors" />
              </label>
              <label className="field">
                <span>{t("transfers.to")}</span>
                <select {...getSelectProps(fields.toCellId)}>
                  <option value="">—</option>
                  {cells.map((c) => (
                    <option key={c.id} value={c.id}>{cellName(c.id)}</option>
                  ))}
                </select>
                <FieldError errors={fields.toCellId.errors} name="toCellId" ns="budgets" prefix="errors" />
              </label>
            </div>
            <div className="row">
              <label className="field">
                <span>{t("transfers.amount")}</span>
                <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" className="num" />
                <FieldError errors={amountErrors} name="amount" ns="budgets" prefix="errors" values={{ available }} />
              </label>
              <label className="field grow">
                <span>{t("transfers.reason")}</span>
                <textarea {...getTextareaProps(fields.reason)} rows={2} maxLength={500} />
                <FieldError errors={fields.reason.errors} name="reason" ns="budgets" prefix="errors" />
              </label>
            </div>
            <div>
              <button type="submit" className="button button-primary" disabled={busy}>{t("transfers.request")}</button>
            </div>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="transfers-title">
        <h2 id="transfers-title">{t("transfers.listTitle")}</h2>
        {decision?.error?.[""]?.[0] ? <FieldError errors={decision.error[""]} ns="budgets" prefix="errors" /> : null}
        {decision?.done === "decided" ? <p className="notice" role="status">{t("transfers.decided")}</p> : null}
        {transfers.length === 0 ? (
          <p className="empty">{t("transfers.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="transfers">
              <thead>
                <tr>
                  <th>{t("transfers.from")}</th>
                  <th>{t("transfers.to")}</th>
                  <th className="num">{t("transfers.amount")}</th>
                  <th>{t("transfers.reason")}</th>
                  <th>{t("transfers.requestedBy")}</th>
                  <th>{t("transfers.status")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {transfers.map((tr) => (
                  <tr key={tr.id} data-testid="transfer">
                    <td data-label={t("transfers.from")}>{cellName(tr.fromCellId)}</td>
                    <td data-label={t("transfers.to")}>{cellName(tr.toCellId)}</td>
                    <td data-label={t("transfers.amount")} className="num"><Money minor={tr.amountMinor} currency={tr.currency} /></td>
                    <td data-label={t("transfers.reason")}>{tr.reason}</td>
                    <td data-label={t("transfers.requestedBy")}>
                      {tr.requestedByName}
                      <div className="muted small">{formatDateTime(tr.requestedAt, lang, timeZone)}</div>
                    </td>
                    <td data-label={t("transfers.status")}><span className="badge">{t(`transfers.${tr.status}`)}</span></td>
                    <td>
                      {tr.status === "PENDING" ? (
                        tr.mine ? (
                          <Form method="post" className="approval-form">
                            <input type="hidden" name="transferId" value={tr.id} />
                            <span className="muted small">{t("transfers.yours")}</span>
                            <button type="submit" name="intent" value="transfer-cancel" className="button button-small">{t("transfers.cancel")}</button>
                          </Form>
                        ) : (
                          <Form method="post" className="approval-form">
                            <input type="hidden" name="transferId" value={tr.id} />
                            <input name="note" placeholder={t("transfers.note")} maxLength={500} aria-label={t("transfers.note")} />
                            <button type="submit" name="intent" value="transfer-approve" className="button button-small button-primary" disabled={busy}>{t("transfers.approve")}</button>
                            <button type="submit" name="intent" value="transfer-reject" className="button button-small button-danger" disabled={busy}>{t("transfers.reject")}</button>
                          </Form>
                        )
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = RouteError;
