import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { RouteError } from "~/components/route-error";
import { MAX_DELEGATION_DAYS } from "~/domain/segregation";
import { ApprovalError, createDelegation, decideApproval, listApprovals, listDelegations, revokeDelegation } from "~/models/approval.server";
import { requireUser } from "~/utils/auth.server";
import { formatDateTime, formatTotals, localName } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Approvals · Accounting Factory" }];

/** Managers, their delegates and admins (for claims nobody else can approve). */
async function requireApprover(request: Request) {
  const user = await requireUser(request);
  if (!user.roles.includes("MANAGER") && !user.roles.includes("ADMIN")) throw new Response("Forbidden", { status: 403 });
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApprover(request);
  const [items, delegations] = await Promise.all([listApprovals(user), listDelegations(user.id)]);
  return {
    items,
    delegations: delegations.map((d) => ({ id: d.id, name: d.delegate.name, from: d.validFrom.toISOString().slice(0, 10), to: d.validTo.toISOString().slice(0, 10) })),
    timeZone: user.timeZone,
    today: new Date().toISOString().slice(0, 10),
  };
}

const DecisionSchema = z.object({
  intent: z.enum(["approve", "return"]),
  taskId: z.string().min(1),
  claimVersion: z.coerce.number().int().positive(),
  claimNumber: z.string().default(""),
  comment: z.string().max(2000).default(""),
});
const DelegationSchema = z.object({ intent: z.literal("delegate"), delegateEmail: z.string().max(200), from: z.string().max(10), to: z.string().max(10) });
const RevokeSchema = z.object({ intent: z.literal("revoke"), delegationId: z.string().min(1).max(100) });

/** Refusals with a message of their own; any other refusal shows the general "not allowed". */
const SHOWN_REASONS = new Set(["own_claim", "approved_other_step", "reviewed_claim"]);

type ActionData =
  | { kind: "decision"; ok: true; intent: "approve" | "return"; claimNumber: string }
  | { kind: "decision"; ok: false; taskId: string; error: string }
  | { kind: "delegation"; ok: boolean; field?: string; code?: string }
  | { kind: "revoke"; ok: boolean };

export async function action({ request }: ActionFunctionArgs): Promise<ActionData> {
  const user = await requireApprover(request);
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "delegate") {
    const parsed = DelegationSchema.safeParse(form);
    if (!parsed.success) return { kind: "delegation", ok: false, field: "delegateEmail", code: "not_a_manager" };
    const result = await createDelegation({ manager: user, delegateEmail: parsed.data.delegateEmail, from: parsed.data.from, to: parsed.data.to });
    return result.ok ? { kind: "delegation", ok: true } : { kind: "delegation", ok: false, field: result.field, code: result.code };
  }
  if (form.intent === "revoke") {
    const parsed = RevokeSchema.safeParse(form);
    if (!parsed.success) throw new Response("Bad request", { status: 400 });
    return { kind: "revoke", ...(await revokeDelegation({ manager: user, delegationId: parsed.data.delegationId })) };
  }
  const parsed = DecisionSchema.safeParse(form);
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  const { intent, taskId, claimVersion, comment, claimNumber } = parsed.data;
  try {
    await decideApproval({ viewer: user, taskId, claimVersion, decision: intent, comment });
    return { kind: "decision", ok: true, intent, claimNumber };
  } catch (err) {
    if (err instanceof ApprovalError) return { kind: "decision", ok: false, taskId, error: err.reason && SHOWN_REASONS.has(err.reason) ? err.reason : err.code };
    throw err;
  }
}

export default function Approvals() {
  const { items, delegations, timeZone, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("approvals");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
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
          {items.map((item) => {
            const error = result?.kind === "decision" && !result.ok && result.taskId === item.taskId ? result.error : null;
            return (
              <li key={item.taskId} className="card approval-item" data-testid="approval-item">
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
                <Form method="post" className="approval-form">
                  <input type="hidden" name="taskId" value={item.taskId} />
                  <input type="hidden" name="claimVersion" value={item.claimVersion} />
                  <input type="hidden" name="claimNumber" value={item.claimNumber} />
                  <label className="field grow">
                    <span className="visually-hidden">{t("comment")}</span>
                    <input name="comment" placeholder={t("commentPlaceholder")} maxLength={2000} />
                  </label>
                  <button type="submit" name="intent" value="return" className="button button-danger" disabled={busy}>{t("return")}</button>
                  <button type="submit" name="intent" value="approve" className="button button-primary" disabled={busy}>{t("approve")}</button>
                </Form>
                {error ? <p className="form-error" role="alert">{t(`errors.${error}`)}</p> : null}
              </li>
            );
          })}
        </ul>
      )}
      <section className="card">
        <h2>{t("delegation.title")}</h2>
        <Form method="post" className="row">
          <input type="hidden" name="intent" value="delegate" />
          <label className="field grow">
            <span>{t("delegation.delegate")}</span>
            <input name="delegateEmail" type="email" required />
          </label>
          <label className="field">
            <span>{t("delegation.from")}</span>
            <input name="from" type="date" min={today} required />
          </label>
          <label className="field">
            <span>{t("delegation.to")}</span>
            <input name="to" type="date" min={today} required />
          </label>
          <button type="submit" className="button" disabled={busy}>{t("delegation.save")}</button>
        </Form>
        <p className="muted small">{t("delegation.rules", { days: MAX_DELEGATION_DAYS })}</p>
        {result?.kind === "delegation" && !result.ok && result.code ? (
          <p className="form-error" role="alert">{t(`delegation.errors.${result.code}`, { days: MAX_DELEGATION_DAYS })}</p>
        ) : null}
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

export const ErrorBoundary = RouteError;
