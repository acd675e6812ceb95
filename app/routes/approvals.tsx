import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { isAppError } from "~/domain/app-error";
import { MAX_DELEGATION_DAYS } from "~/domain/segregation";
import { createDelegation, decideApproval, listApprovals, listDelegations, revokeDelegation, type ApprovalErrorCode, type ApprovalItem } from "~/models/approval.server";
import { requireRole } from "~/utils/auth.server";
import { formatDateTime, formatTotals, localName } from "~/utils/format";
import { parseForm, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Approvals · Accounting Factory" }];

/** Managers, their delegates and admins (for claims nobody else can approve). */
const APPROVERS = ["MANAGER", "ADMIN"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...APPROVERS);
  const [items, delegations] = await Promise.all([listApprovals(user), listDelegations(user.id)]);
  return {
    items,
    delegations: delegations.map((d) => ({ id: d.id, name: d.delegate.name, from: d.validFrom.toISOString().slice(0, 10), to: d.validTo.toISOString().slice(0, 10) })),
    timeZone: user.timeZone,
    today: new Date().toISOString().slice(0, 10),
  };
}

// One schema per intent of the page's forms.
const DecisionSchema = z.object({
  intent: z.enum(["approve", "return"]),
  taskId: z.string().min(1),
  claimVersion: z.coerce.number().int().positive(),
  claimNumber: z.string().default(""),
  comment: z.string().max(2000).default(""),
});
const DelegationSchema = z.object({ intent: z.literal("delegate"), delegateEmail: z.string().max(200), from: z.string().max(10), to: z.string().max(10) });
const RevokeSchema = z.object({ intent: z.literal("revoke"), delegationId: z.string().min(1).max(100) });
const ApprovalsSchema = z.discriminatedUnion("intent", [DecisionSchema, DelegationSchema, RevokeSchema]);

/** Refusals with a message of their own; any other refusal shows the general "not allowed". */
const SHOWN_REASONS = new Set(["own_claim", "approved_other_step", "reviewed_claim"]);

type ActionData =
  | { kind: "decision"; ok: true; intent: "approve" | "return"; claimNumber: string }
  | { kind: "decision"; ok: false; taskId: string; error: string }
  | ({ kind: "delegation"; ok: boolean } & FormReply)
  | { kind: "revoke"; ok: boolean };

export async function action({ request }: ActionFunctionArgs): Promise<ActionData> {
  const user = await requireRole(request, ...APPROVERS);
  const submission = parseForm(await request.formData(), ApprovalsSchema);
  if (submission.status !== "success") {
    if (submission.payload.intent === "delegate") return { kind: "delegation", ok: false, ...submission.reply() };
    throw new Response("Bad request", { status: 400 });
  }
  const form = submission.value;
  if (form.intent === "delegate") {
    const result = await createDelegation({ manager: user, delegateEmail: form.delegateEmail, from: form.from, to: form.to });
    if (result.ok) return { kind: "delegation", ok: true, ...submission.reply() };
    return { kind: "delegation", ok: false, ...submission.reply({ fieldErrors: { [result.field]: [result.code] } }) };
  }
  if (form.intent === "revoke") return { kind: "revoke", ...(await revokeDelegation({ manager: user, delegationId: form.delegationId })) };
  const { intent, taskId, claimVersion, comment, claimNumber } = form;
  try {
    await decideApproval({ viewer: user, taskId, claimVersion, decision: intent, comment });
    return { kind: "decision", ok: true, intent, claimNumber };
  } catch (err) {
    if (!isAppError<ApprovalErrorCode>(err)) throw err;
    const error = err.reason && SHOWN_REASONS.has(err.reason) ? err.reason : err.code;
    return { kind: "decision", ok: false, taskId, error };
  }
}

export default function Approvals() {
  const { items, delegations, timeZone, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("approvals");
  const busy = navigation.state !== "idle";
  const [delegation, delegationFields] = useForm({
    id: "delegation",
    lastResult: result?.kind === "delegation" ? result : undefined,
    onValidate: ({ formData }) => parseForm(formData, DelegationSchema),
    shouldValidate: "onSubmit",
  });
  return (
    <>
      <div className="page-head">
        <h1>{t("title")}</h1>
      </div>
      <p className="muted">{t("intro")}</p>
      {result?.kind === "decision" && result.ok ? (
        <p className="notice" role="status">{t(result.intent === "approve" ? "approved" : "returned", { number: result.claimNumber })}</p>
      ) : null}
      {items.length === 0 ? (
        <div className="card empty" data-testid="approvals-empty">{t("empty")}</div>
      ) : (
        <ul className="approval-list">
          {items.map((item) => (
            <ApprovalEntry
              key={item.taskId}
              item={item}
              timeZone={timeZone}
              busy={busy}
              error={result?.kind === "decision" && !result.ok && result.taskId === item.taskId ? result.error : undefined}
            />
          ))}
        </ul>
      )}
      <section className="card">
        <h2>{t("delegation.title")}</h2>
        <Form method="post" className="row" {...getFormProps(delegation)}>
          <input type="hidden" name="intent" value="delegate" />
          <label className="field grow">
            <span>{t("delegation.delegate")}</span>
            <input {...getInputProps(delegationFields.delegateEmail, { type: "email" })} key={delegationFields.delegateEmail.key} required />
            <FieldError errors={delegationFields.delegateEmail.errors} id={delegationFields.delegateEmail.errorId} name="delegateEmail" ns="approvals" prefix="delegation.errors" values={{ days: MAX_DELEGATION_DAYS }} />
          </label>
          <label className="field">
            <span>{t("delegation.from")}</span>
            <input {...getInputProps(delegationFields.from, { type: "date" })} key={delegationFields.from.key} min={today} required />
            <FieldError errors={delegationFields.from.errors} id={delegationFields.from.errorId} name="from" ns="approvals" prefix="delegation.errors" values={{ days: MAX_DELEGATION_DAYS }} />
          </label>
          <label className="field">
            <span>{t("delegation.to")}</span>
            <input {...getInputProps(delegationFields.to, { type: "date" })} key={delegationFields.to.key} min={today} required />
            <FieldError errors={delegationFields.to.errors} id={delegationFields.to.errorId} name="to" ns="approvals" prefix="delegation.errors" values={{ days: MAX_DELEGATION_DAYS }} />
          </label>
          <button type="submit" className="button" disabled={busy}>{t("delegation.save")}</button>
        </Form>
        <p className="muted small">{t("delegation.rules", { days: MAX_DELEGATION_DAYS })}</p>
        {result?.kind === "revoke" ? (
          <p className={result.ok ? "notice" : "form-error"} role={result.ok ? "status" : "alert"}>{t(result.ok ? "delegation.revoked" : "delegation.errors.not_revocable")}</p>
        ) : null}
        <h3 className="small muted">{t("delegation.current")}</h3>
        {delegations.length === 0 ? (
          <p className="muted small">{t("delegation.none")}</p>
        ) : (
          <ul className="delegation-list" data-testid="delegations">
            {delegations.map((d) => (
              <li key={d.id} className="row">
                <span>{t("delegation.row", { name: d.name, from: d.from, to: d.to })}</span>
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="delegationId" value={d.id} />
                  <button type="submit" className="button button-small" disabled={busy}>{t("delegation.revoke")}</button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** One claim waiting for a decision: approve, or return with a comment; a refusal is shown under it. */
function ApprovalEntry({ item, timeZone, busy, error }: { item: ApprovalItem; timeZone: string; busy: boolean; error: string | undefined }) {
  const { t, i18n } = useTranslation("approvals");
  const locale = i18n.language;
  const [form, fields] = useForm({
    id: `decide-${item.taskId}`,
    onValidate: ({ formData }) => parseForm(formData, DecisionSchema),
    shouldValidate: "onSubmit",
  });
  return (
    <li className="card approval-item" data-testid="approval-item">
      <div className="approval-head">
        <Link to={`/claims/${item.claimId}`} className="mono">{item.claimNumber}</Link>
        <span className="approval-purpose">{item.purpose}</span>
        <span className="num approval-total">{formatTotals(item.totals, locale)}</span>
      </div>
      <div className="muted small">
        {item.claimantName} · {localName({ name: item.departmentName, nameZh: item.departmentNameZh }, locale)} · {t("waiting")} {formatDateTime(item.waitingSince, locale, timeZone)}
        {item.step > 1 ? ` · ${t("step", { step: item.step })} (${t("stepHead")})` : ""}
        {item.onBehalfOf ? ` · ${t("onBehalfOf", { name: item.onBehalfOf })}` : ""}
      </div>
      <Form method="post" className="approval-form" {...getFormProps(form)}>
        <input type="hidden" name="taskId" value={item.taskId} />
        <input type="hidden" name="claimVersion" value={item.claimVersion} />
        <input type="hidden" name="claimNumber" value={item.claimNumber} />
        <label className="field grow">
          <span className="visually-hidden">{t("comment")}</span>
          <input {...getInputProps(fields.comment, { type: "text" })} key={fields.comment.key} placeholder={t("commentPlaceholder")} maxLength={2000} />
        </label>
        <button type="submit" name="intent" value="return" className="button button-danger" disabled={busy}>{t("return")}</button>
        <button type="submit" name="intent" value="approve" className="button button-primary" disabled={busy}>{t("approve")}</button>
      </Form>
      <FieldError errors={error ? [error] : undefined} ns="approvals" prefix="errors" />
    </li>
  );
}

export const ErrorBoundary = RouteError;
