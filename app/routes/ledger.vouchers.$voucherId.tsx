import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldError } from "~/components/field-error";
import { CompanyName, LedgerTabs } from "~/components/ledger-nav";
import { VoucherLinesTable } from "~/components/ledger-voucher-lines";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { ReverseVoucherSchema } from "~/domain/ledger-forms";
import { reverseVoucher } from "~/models/ledger-posting.server";
import { voucherDetail } from "~/models/ledger-views.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { parseForm, replyReason } from "~/utils/forms";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.voucher.label ?? "Voucher"} · Accounting Factory` }];

/** One voucher of the viewer's companies; another company's is not found. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "ACCOUNTANT", "SUPERVISOR", "ADMIN");
  try {
    const voucher = await voucherDetail(user, params.voucherId ?? "");
    if (!voucher) throw new Response("Not found", { status: 404 });
    return { voucher, canReverse: hasRole(user, "ADMIN") };
  } catch (err) {
    if (err instanceof Response) throw err;
    throwAsResponse(err);
  }
}

/** ADMIN: a red reversal of a voucher of their companies (another company's is 404 before the form is read). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const voucher = await voucherDetail(user, params.voucherId ?? "");
  if (!voucher) throw new Response("Not found", { status: 404 });
  const submission = parseForm(await request.formData(), ReverseVoucherSchema);
  if (submission.status !== "success") return submission.reply();
  try {
    const { reversalId } = await reverseVoucher({
      viewer: user,
      voucherId: voucher.id,
      reason: submission.value.reason,
    });
    return redirect(`/ledger/vouchers/${reversalId}?reversed=1`);
  } catch (err) {
    return replyWithError(submission, err, { status: 200 });
  }
}

export default function VoucherPage() {
  const { voucher: v, canReverse } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("ledger");
  const [params] = useSearchParams();
  const reversedNotice = params.get("reversed") ? v.label : null;
  return (
    <>
      <div className="page-head">
        <h1>{t("voucher.title", { label: v.label })}</h1>
        <Link to="/ledger">{t("voucher.back")}</Link>
      </div>
      <LedgerTabs />
      {reversedNotice ? (
        <p className="notice" role="status">
          {t("voucher.reversed", { label: reversedNotice })}
        </p>
      ) : null}

      <section className="card voucher-sheet" aria-labelledby="voucher-head" data-testid="voucher">
        <h2 id="voucher-head" style={{ textAlign: "center" }}>
          {t("voucher.heading")}
        </h2>
        <dl className="facts">
          <div>
            <dt>{t("voucher.company")}</dt>
            <dd>
              <CompanyName company={v.company} />
            </dd>
          </div>
          <div>
            <dt>{t("voucher.date")}</dt>
            <dd>{formatCalendarDate(v.voucherDate, i18n.language)}</dd>
          </div>
          <div>
            <dt>{t("voucher.number")}</dt>
            <dd data-testid="voucher-number">
              <strong>{v.label}</strong> <span className="muted">{v.period}</span>
            </dd>
          </div>
          <div>
            <dt>{t("voucher.kind")}</dt>
            <dd>
              <span className={`badge voucher-${v.kind}`}>{t(`kind.${v.kind}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t("voucher.attachments")}</dt>
            <dd>{t("voucher.attachmentsValue", { count: v.attachmentCount })}</dd>
          </div>
          <div>
            <dt>{t("list.total")}</dt>
            <dd>
              <Money minor={v.totalMinor} currency={v.currency} />
            </dd>
          </div>
        </dl>
        <p>
          <strong>{t("voucher.description")}:</strong> {v.description}
        </p>
        <VoucherLinesTable lines={v.lines} currency={v.currency} />
      </section>

      <section className="card" aria-labelledby="voucher-links" style={{ marginTop: "1rem" }}>
        <h2 id="voucher-links">{t("voucher.links")}</h2>
        <dl className="facts">
          {v.claim ? (
            <div>
              <dt>{t("voucher.claim")}</dt>
              <dd>
                <Link to={`/claims/${v.claim.id}`}>{v.claim.number}</Link>
              </dd>
            </div>
          ) : null}
          {v.payment ? (
            <div>
              <dt>{t("voucher.payment")}</dt>
              <dd>
                {t("voucher.paymentValue", {
                  endToEndId: v.payment.endToEndId,
                  run: v.payment.runNumber,
                })}
              </dd>
            </div>
          ) : null}
          {v.reverses ? (
            <div>
              <dt>{t("voucher.reverses")}</dt>
              <dd>
                <Link to={`/ledger/vouchers/${v.reverses.id}`} data-testid="reverses">
                  {v.reverses.label}
                </Link>{" "}
                <span className="muted">{v.reverses.period}</span>
              </dd>
            </div>
          ) : null}
          {v.reversedBy ? (
            <div>
              <dt>{t("voucher.reversedBy")}</dt>
              <dd>
                <Link to={`/ledger/vouchers/${v.reversedBy.id}`} data-testid="reversed-by">
                  {v.reversedBy.label}
                </Link>{" "}
                <span className="muted">{v.reversedBy.period}</span>
              </dd>
            </div>
          ) : null}
          <div>
            <dt>{t("voucher.erp")}</dt>
            <dd data-testid="erp-number">
              {v.erp ? (
                <>
                  {v.erp.number} <span className="muted">{v.erp.system}</span>
                </>
              ) : (
                <span className="muted">{t("voucher.erpNone")}</span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t("voucher.exports")}</dt>
            <dd>
              {v.exports.length === 0 ? (
                <span className="muted">{t("voucher.exportsNone")}</span>
              ) : (
                v.exports.map((e) => `${t(`format.${e.format}`)} · ${formatDateTime(e.createdAt, i18n.language)}`).join("; ")
              )}
            </dd>
          </div>
          <div>
            <dt>{t("voucher.postedBy")}</dt>
            <dd>
              {v.createdBy ?? t("voucher.postedBySystem")} · {formatDateTime(v.createdAt, i18n.language)}
            </dd>
          </div>
        </dl>
      </section>

      {canReverse ? <ReverseForm label={v.label} kind={v.kind} reversedBy={v.reversedBy?.label ?? null} /> : null}
    </>
  );
}

function ReverseForm({ label, kind, reversedBy }: { label: string; kind: string; reversedBy: string | null }) {
  const { t } = useTranslation("ledger");
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseForm(formData, ReverseVoucherSchema),
    shouldValidate: "onBlur",
    // Conform calls this for a real, valid submission only — not for its own validation on blur, which it sends
    // through the same form. Overriding the form's onSubmit instead replaced conform's handler: the blur's
    // validation went to the server (after a confirm), disabled the button, and the click on it was lost.
    onSubmit(event) {
      if (!window.confirm(t("voucher.confirmText", { label }))) event.preventDefault();
    },
  });
  if (kind === "REVERSAL" || reversedBy) {
    return (
      <p className="muted" style={{ marginTop: "1rem" }}>
        {kind === "REVERSAL" ? t("voucher.isReversal") : t("voucher.alreadyReversed")}
      </p>
    );
  }
  const refusal = fields.reason.errors ? undefined : form.errors?.[0];
  return (
    <section className="card" aria-labelledby="reverse" style={{ marginTop: "1rem" }}>
      <details open={!!lastResult}>
        <summary>
          <strong id="reverse">{t("voucher.reverseTitle")}</strong>
        </summary>
        <p className="muted">{t("voucher.reverseIntro")}</p>
        <Form
          method="post"
          {...getFormProps(form)}
          className="row"
          style={{ alignItems: "flex-end", flexWrap: "wrap" }}
        >
          <input type="hidden" name="intent" value="reverse" />
          <label className="field" style={{ flex: "1 1 16rem" }}>
            <span>{t("voucher.reason")}</span>
            <input {...getInputProps(fields.reason, { type: "text" })} key={fields.reason.key} maxLength={200} required />
            <FieldError errors={fields.reason.errors} id={fields.reason.errorId} name="reason" ns="ledger" prefix="errors" />
          </label>
          <button type="submit" className="button button-danger" disabled={navigation.state === "submitting"}>
            {t("voucher.confirmReverse")}
          </button>
        </Form>
        {refusal ? <FieldError errors={[replyReason(lastResult) ?? refusal]} ns="ledger" prefix="errors" /> : null}
      </details>
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
