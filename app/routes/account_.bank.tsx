import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps, getInputProps, useForm, type Submission } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { BankAccountFields, type AccountKind } from "~/components/bank-account-fields";
import { FieldError } from "~/components/field-error";
import { RouteError } from "~/components/route-error";
import { BankChangeFormSchema, EmployeeConfirmSchema } from "~/domain/bank-change";
import { cancelBankChange, confirmBankChangeAsEmployee, myBankAccounts, requestBankChange } from "~/models/bank-accounts.server";
import { listNotifications, markNotificationsRead, type NotificationView } from "~/models/notifications.server";
import { orErrorResponse, replyWithError } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { parseForm, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Bank account · Accounting Factory" }];

/** Any signed-in user: their own account, held change and messages only (masked numbers). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const [accounts, notifications, company] = await Promise.all([
    myBankAccounts(prisma, user.id),
    listNotifications(prisma, user.id, 12),
    prisma.company.findUniqueOrThrow({ where: { id: user.companyId }, select: { currency: true } }),
  ]);
  return { accounts, notifications, timeZone: user.timeZone, defaultKind: (company.currency === "CNY" ? "cn" : "iban") as AccountKind };
}

const IntentSchema = z.object({ intent: z.enum(["change", "cancel", "confirm", "read"]) });
const CancelSchema = z.object({ intent: z.literal("cancel"), accountId: z.string().min(1).max(64) });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const intent = IntentSchema.safeParse({ intent: formData.get("intent") });
  if (!intent.success) throw new Response("Bad request", { status: 400 });
  switch (intent.data.intent) {
    case "change": {
      const submission = parseForm(formData, BankChangeFormSchema);
      if (submission.status !== "success") return { ...submission.reply(), formName: "change" as const };
      try {
        await requestBankChange(prisma, { actor: user, input: submission.value });
        return { ...submission.reply({ resetForm: true }), formName: "change" as const, done: "requested" as const };
      } catch (error) {
        return refuse(submission, error, "change");
      }
    }
    case "confirm": {
      const submission = parseForm(formData, EmployeeConfirmSchema);
      if (submission.status !== "success") return { ...submission.reply({ hideFields: ["password"] }), formName: "confirm" as const };
      try {
        const confirmed = await confirmBankChangeAsEmployee(prisma, { actor: user, password: submission.value.password });
        return { ...submission.reply({ resetForm: true }), formName: "confirm" as const, done: confirmed.active ? ("active" as const) : ("confirmed" as const) };
      } catch (error) {
        return refuse(submission, error, "confirm", ["password"]);
      }
    }
    case "cancel": {
      const submission = parseForm(formData, CancelSchema);
      if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
      await orErrorResponse(() => cancelBankChange(prisma, { actor: user, accountId: submission.value.accountId }));
      return { formName: "cancel" as const, done: "cancelled" as const };
    }
    case "read":
      await markNotificationsRead(prisma, user.id);
      return { formName: "read" as const, done: "read" as const };
  }
}

/** A refusal shown on the form it came from (200: the page stays, the fields say what is wrong). */
function refuse(submission: Submission<unknown>, error: unknown, intent: "change" | "confirm", hideFields?: string[]) {
  return { ...(replyWithError(submission, error, { status: 200, hideFields }) as FormReply), formName: intent };
}

type ActionData = {
  formName?: string;
  done?: string;
  error?: Record<string, string[] | null> | null;
  status?: "success" | "error";
  initialValue?: Record<string, unknown> | null;
};

function notificationText(n: NotificationView, t: (key: string, opts?: Record<string, unknown>) => string, locale: string, timeZone: string) {
  const data = n.data;
  const when = typeof data.usableAfter === "string" ? formatDateTime(data.usableAfter, locale, timeZone) : typeof data.activeFrom === "string" ? formatDateTime(data.activeFrom, locale, timeZone) : "";
  const key = n.kind === "bank_account.change_confirmed" && typeof data.usableAfter === "string" ? "bank_account.change_confirmed_cooling" : n.kind;
  return t(`notifications.${key}`, { ...data, when, defaultValue: n.kind });
}

export default function BankAccountPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("bank");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  const { active, pending, history } = data.accounts;
  const [kind, setKind] = useState<AccountKind>(pending?.kind ?? active?.kind ?? data.defaultKind);

  const changeResult = result?.formName === "change" ? result : undefined;
  const [form, fields] = useForm({
    id: "bank-change",
    lastResult: changeResult as never,
    onValidate: ({ formData }) => parseForm(formData, BankChangeFormSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const confirmResult = result?.formName === "confirm" ? result : undefined;
  const [confirmForm, confirmFields] = useForm({
    id: "bank-confirm",
    lastResult: confirmResult as never,
    onValidate: ({ formData }) => parseForm(formData, EmployeeConfirmSchema),
    shouldValidate: "onSubmit",
  });
  const formError = form.errors?.[0];
  const time = (iso: string) => formatDateTime(iso, locale, data.timeZone);

  return (
    <div className="narrow stack">
      <div className="page-head">
        <h1>{t("mine.title")}</h1>
        <Link to="/account" className="button button-small">{t("mine.back")}</Link>
      </div>
      <p className="muted">{t(data.accounts.policy === "SECOND_PERSON" ? "mine.introSecondPerson" : "mine.introEmployeeConfirm", { hours: data.accounts.coolingHours })}</p>
      {result?.done ? (
        <p className="notice" role="status" data-testid="bank-done">
          {t(`mine.done.${result.done}`)}
        </p>
      ) : null}

      <section className="card stack" data-testid="current-account">
        <h2>{t("mine.current")}</h2>
        {active ? (
          <dl className="facts">
            <div>
              <dt>{t("mine.account")}</dt>
              <dd className="mono" data-testid="current-masked">{active.masked}</dd>
            </div>
            <div>
              <dt>{t("fields.holderName")}</dt>
              <dd>{active.holderName}</dd>
            </div>
            <div>
              <dt>{t("mine.activeFrom")}</dt>
              <dd>{active.activeFrom ? time(active.activeFrom) : "—"}</dd>
            </div>
          </dl>
        ) : (
          <p className="muted" data-testid="no-account">{t("mine.none")}</p>
        )}
      </section>

      {pending ? (
        <section className="card stack" data-testid="pending-change">
          <h2>
            {t("mine.pending")} <span className="badge badge-PROCESSING">{t("status.PENDING")}</span>
          </h2>
          <dl className="facts">
            <div>
              <dt>{t("mine.account")}</dt>
              <dd className="mono" data-testid="pending-masked">{pending.masked}</dd>
            </div>
            <div>
              <dt>{t("mine.requestedAt")}</dt>
              <dd>{time(pending.requestedAt)}</dd>
            </div>
          </dl>
          <p className="notice" data-testid="pending-wait">
            {t(`wait.${pending.wait.kind}`, { when: pending.wait.usableAfter ? time(pending.wait.usableAfter) : "" })}
          </p>
          {pending.wait.kind === "employee_confirmation" && confirmForm.errors?.[0] ? <FieldError errors={confirmForm.errors} ns="bank" prefix="errors" /> : null}
          {pending.wait.kind === "employee_confirmation" ? (
            <Form method="post" className="row" {...getFormProps(confirmForm)}>
              <input type="hidden" name="intent" value="confirm" />
              <label className="field">
                <span>{t("mine.password")}</span>
                <input {...getInputProps(confirmFields.password, { type: "password" })} key={confirmFields.password.key} autoComplete="current-password" data-testid="confirm-password" />
                <FieldError errors={confirmFields.password.errors} id={confirmFields.password.errorId} name="password" ns="bank" prefix="errors" />
              </label>
              <button type="submit" className="button button-primary" disabled={busy} data-testid="confirm-change">{t("mine.confirm")}</button>
            </Form>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="cancel" />
            <input type="hidden" name="accountId" value={pending.id} />
            <button type="submit" className="button button-quiet" disabled={busy} data-testid="cancel-change">{t("mine.cancel")}</button>
          </Form>
        </section>
      ) : null}

      <section className="card stack">
        <h2>{active || pending ? t("mine.changeTitle") : t("mine.addTitle")}</h2>
        <p className="muted small">{t("mine.changeHelp")}</p>
        {formError ? <FieldError errors={[formError]} ns="bank" prefix="errors" /> : null}
        <Form method="post" className="stack" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="change" />
          <BankAccountFields fields={fields as never} kind={kind} onKind={setKind} />
          <div className="row">
            <button type="submit" className="button button-primary" disabled={busy} data-testid="request-change">{t("mine.submit")}</button>
          </div>
        </Form>
      </section>

      {history.length > 0 ? (
        <section className="card stack">
          <h2>{t("mine.history")}</h2>
          <div className="table-wrap">
            <table className="data responsive" data-testid="bank-history">
              <thead>
                <tr>
                  <th scope="col">{t("mine.account")}</th>
                  <th scope="col">{t("mine.status")}</th>
                  <th scope="col">{t("mine.when")}</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr key={h.id}>
                    <td data-label={t("mine.account")} className="mono">{h.masked}</td>
                    <td data-label={t("mine.status")}>
                      <span className={`badge badge-${h.status === "REJECTED" ? "REJECTED" : "DRAFT"}`}>{t(`status.${h.status}`)}</span>
                      {h.note ? <span className="muted small"> {h.note}</span> : null}
                    </td>
                    <td data-label={t("mine.when")}>{time(h.at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section className="card stack" data-testid="notifications">
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h2>{t("mine.notifications")}</h2>
          {data.notifications.some((n) => !n.read) ? (
            <Form method="post">
              <input type="hidden" name="intent" value="read" />
              <button type="submit" className="button button-small" disabled={busy}>{t("mine.markRead")}</button>
            </Form>
          ) : null}
        </div>
        {data.notifications.length === 0 ? (
          <p className="muted" data-testid="no-notifications">{t("mine.noNotifications")}</p>
        ) : (
          <ul className="timeline">
            {data.notifications.map((n) => (
              <li key={n.id} data-testid="notification" data-kind={n.kind}>
                <span className="timeline-what">
                  {n.read ? null : <span className="badge badge-SUBMITTED">{t("mine.new")}</span>} {notificationText(n, t, locale, data.timeZone)}
                </span>
                <span className="muted small"> · {time(n.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export const ErrorBoundary = RouteError;
