import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { TreasuryTabs } from "~/components/treasury-nav";
import { RouteError } from "~/components/route-error";
import type { AccountDetails } from "~/domain/bank-account";
import { ConfirmChangeSchema, RejectChangeSchema } from "~/domain/bank-change";
import { decideBankChange, listHeldChanges } from "~/models/bank-accounts.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatDateTime, localName } from "~/utils/format";
import { parseForm, replyReason, type FormReply } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Bank account changes · Accounting Factory" }];

/** Treasury: the held changes of their companies (user_company), with full old and new details. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  return { changes: await listHeldChanges(prisma, user), timeZone: user.timeZone };
}

const DecisionSchema = z.discriminatedUnion("intent", [ConfirmChangeSchema, RejectChangeSchema]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  const submission = parseForm(await request.formData(), DecisionSchema);
  if (submission.status !== "success") {
    const accountId = submission.payload.accountId;
    return { ...submission.reply(), accountId: typeof accountId === "string" ? accountId : "" };
  }
  const form = submission.value;
  try {
    await decideBankChange(prisma, { actor: user, accountId: form.accountId, decision: form.intent, note: form.intent === "reject" ? form.note : "" });
    return { ...submission.reply({ resetForm: true }), accountId: form.accountId, done: form.intent };
  } catch (error) {
    // Another company's change does not exist for the caller (404); a refusal on one they see is shown beside it.
    const reply = replyWithError(submission, error);
    return reply;
  }
}

function Details({ details }: { details: AccountDetails }) {
  const { t } = useTranslation("bank");
  const rows: [string, string][] =
    details.kind === "cn"
      ? [
          ["holderName", details.holderName],
          ["accountNumber", details.accountNumber],
          ["bankName", details.bankName],
          ["cnapsCode", details.cnapsCode],
        ]
      : [
          ["holderName", details.holderName],
          ["iban", details.iban],
          ["bic", details.bic],
        ];
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{t(`fields.${k}`)}</dt>
          <dd className={k === "holderName" || k === "bankName" ? undefined : "mono"}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

type ActionData = (FormReply & { accountId?: string; done?: string }) | undefined;

export default function BankChanges() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData;
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("bank");
  const locale = i18n.language;
  const busy = navigation.state !== "idle";
  const time = (iso: string) => formatDateTime(iso, locale, data.timeZone);
  const formCode = result?.status === "error" ? result.error?.[""]?.[0] : undefined;
  const reason = replyReason(result);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>{t("held.title")}</h1>
      </div>
      <TreasuryTabs />
      <p className="muted">{t("held.intro")}</p>
      {result?.done ? (
        <p className="notice" role="status" data-testid="decision-done">
          {t(`held.done.${result.done}`)}
        </p>
      ) : null}
      {data.changes.length === 0 ? (
        <p className="empty card" data-testid="no-held-changes">{t("held.empty")}</p>
      ) : (
        data.changes.map((c) => {
          const mine = result?.accountId === c.id;
          const noteError = mine ? result?.error?.note : undefined;
          return (
            <section key={c.id} className="card stack" data-testid="held-change" data-owner={c.owner.email}>
              <div className="row" style={{ justifyContent: "space-between", flexWrap: "wrap" }}>
                <h2 style={{ margin: 0 }}>
                  {c.owner.name} <span className="muted small">{c.owner.email} · {c.company.code} {localName(c.company, locale)}</span>
                </h2>
                <span className="badge badge-PROCESSING">{t(`wait.short.${c.wait.kind}`)}</span>
              </div>
              <p className="muted small">
                {t("held.requested", { name: c.requestedBy.name, when: time(c.requestedAt) })} · {t(`policy.${c.policy}`)}
                {c.wait.usableAfter ? ` · ${t("held.usableFrom", { when: time(c.wait.usableAfter) })}` : ""}
              </p>
              <div className="grid-2">
                <div className="stack">
                  <h3>{t("held.current")}</h3>
                  {c.current ? <Details details={c.current} /> : <p className="notice">{t("held.firstAccount")}</p>}
                </div>
                <div className="stack">
                  <h3>
                    {t("held.next")}{" "}
                    {c.holderDiffers ? <span className="badge badge-RETURNED" data-testid="holder-differs">{t("held.holderDiffers")}</span> : null}
                  </h3>
                  <Details details={c.next} />
                </div>
              </div>
              {mine && formCode ? <FieldError errors={[reason ?? formCode]} ns="bank" prefix="errors" /> : null}
              {c.confirmRefusal && c.rejectRefusal ? (
                <p className="notice" data-testid="cannot-decide">{t(`errors.${c.rejectRefusal}`)}</p>
              ) : (
                <div className="row" style={{ alignItems: "flex-start", flexWrap: "wrap" }}>
                  {c.confirmRefusal ? (
                    <p className="muted small" style={{ flexBasis: "100%" }}>{t(`errors.${c.confirmRefusal}`)}</p>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="confirm" />
                      <input type="hidden" name="accountId" value={c.id} />
                      <button type="submit" className="button button-primary" disabled={busy} data-testid="confirm-held">{t("held.confirm")}</button>
                    </Form>
                  )}
                  <Form method="post" className="row" style={{ alignItems: "flex-start", flexGrow: 1 }}>
                    <input type="hidden" name="intent" value="reject" />
                    <input type="hidden" name="accountId" value={c.id} />
                    <label className="field grow">
                      <span>{t("held.note")}</span>
                      <input name="note" maxLength={500} aria-invalid={noteError ? true : undefined} data-testid="reject-note" />
                      <FieldError errors={noteError ?? undefined} name="note" ns="bank" prefix="errors" />
                    </label>
                    <button type="submit" className="button button-danger" disabled={busy} data-testid="reject-held">{t("held.reject")}</button>
                  </Form>
                </div>
              )}
            </section>
          );
        })
      )}
    </div>
  );
}

export const ErrorBoundary = RouteError;
