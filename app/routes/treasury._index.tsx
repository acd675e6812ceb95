import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { TreasuryTabs } from "~/components/treasury-nav";
import { listRuns } from "~/models/payment-run-views.server";
import { paymentQueue, prepareRuns } from "~/models/payment-runs.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { parseForm, replyReason } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Payment runs · Accounting Factory" }];

const RUN_STATUSES = ["PREPARED", "APPROVED", "BLOCKED", "RELEASED", "CANCELLED"] as const;

/** Treasury of the companies in user_company: what is ready to pay, what waits and why, and the runs. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  const url = new URL(request.url);
  const status = RUN_STATUSES.find((s) => s === url.searchParams.get("status"));
  try {
    const [queue, runs] = await Promise.all([paymentQueue(user), listRuns(user, { status })]);
    return { queue, runs, status: status ?? null };
  } catch (err) {
    throwAsResponse(err);
  }
}

const PrepareSchema = z.object({ valueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  const submission = parseForm(await request.formData(), PrepareSchema);
  if (submission.status !== "success") return submission.reply();
  try {
    const { runs } = await prepareRuns(user, { valueDate: submission.value.valueDate });
    return redirect(runs.length === 1 ? `/treasury/runs/${runs[0]!.id}?done=prepared` : `/treasury?prepared=${runs.length}`);
  } catch (err) {
    return replyWithError(submission, err, { status: 200 });
  }
}

export default function TreasuryRuns() {
  const { queue, runs, status } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation("treasury");
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { valueDate: queue.proposedValueDate },
    onValidate: ({ formData }) => parseForm(formData, PrepareSchema),
    shouldValidate: "onBlur",
  });
  const prepared = Number(params.get("prepared") ?? 0);
  // A refusal of the whole form; one that names a field is shown beside that field only.
  const refusal = fields.valueDate.errors ? undefined : form.errors?.[0];
  return (
    <>
      <div className="page-head">
        <h1>{t("runs.title")}</h1>
      </div>
      <TreasuryTabs />
      <p className="muted">{t("runs.intro")}</p>
      {prepared > 0 ? <p className="notice" role="status">{t("runs.prepared", { count: prepared })}</p> : null}

      <section className="card" aria-labelledby="ready">
        <h2 id="ready">{t("runs.readyTitle")}</h2>
        {queue.eligible.length === 0 ? (
          <p className="empty">{t("runs.readyEmpty")}</p>
        ) : (
          <>
            <div className="table-wrap">
              <table className="data responsive" data-testid="ready">
                <thead>
                  <tr>
                    <th scope="col">{t("runs.company")}</th>
                    <th scope="col">{t("runs.currency")}</th>
                    <th scope="col" className="num">{t("runs.claims")}</th>
                    <th scope="col" className="num">{t("runs.total")}</th>
                  </tr>
                </thead>
                <tbody>
                  {queue.eligible.map((e) => (
                    <tr key={`${e.companyId}-${e.currency}`}>
                      <td data-label={t("runs.company")}>{e.companyName}</td>
                      <td data-label={t("runs.currency")}>{e.currency}</td>
                      <td data-label={t("runs.claims")} className="num">{e.count}</td>
                      <td data-label={t("runs.total")} className="num"><Money minor={e.totalMinor} currency={e.currency} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Form method="post" className="row" style={{ marginTop: "1rem", alignItems: "flex-end" }} {...getFormProps(form)} aria-label={t("runs.prepareTitle")}>
              <label className="field">
                <span>{t("runs.valueDate")}</span>
                <input {...getInputProps(fields.valueDate, { type: "date" })} key={fields.valueDate.key} required />
                <FieldError errors={fields.valueDate.errors} id={fields.valueDate.errorId} name="valueDate" ns="treasury" prefix="errors" />
              </label>
              <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>{t("runs.prepare")}</button>
              <span className="muted">{t("runs.valueDateHint")}</span>
            </Form>
          </>
        )}
        {refusal ? <FieldError errors={[replyReason(lastResult) ?? refusal]} ns="treasury" prefix="errors" /> : null}
      </section>

      {queue.waiting.length > 0 ? (
        <details className="card" style={{ marginTop: "1rem" }} data-testid="waiting">
          <summary><strong>{t("runs.waitingTitle", { count: queue.waiting.length })}</strong> <span className="muted">{t("runs.waitingIntro")}</span></summary>
          <div className="table-wrap">
            <table className="data responsive">
              <thead>
                <tr>
                  <th scope="col">{t("runs.claim")}</th>
                  <th scope="col">{t("runs.claimant")}</th>
                  <th scope="col">{t("runs.company")}</th>
                  <th scope="col" className="num">{t("runs.amount")}</th>
                  <th scope="col">{t("runs.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {queue.waiting.map((w) => (
                  <tr key={w.claimId}>
                    <td data-label={t("runs.claim")}><Link to={`/claims/${w.claimId}`}>{w.number}</Link></td>
                    <td data-label={t("runs.claimant")}>{w.claimantName}</td>
                    <td data-label={t("runs.company")}>{w.companyName}</td>
                    <td data-label={t("runs.amount")} className="num"><Money minor={w.minor} currency={w.currency} /></td>
                    <td data-label={t("runs.reason")}>{t(`waiting.${w.reason}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}

      <section style={{ marginTop: "1.5rem" }} aria-labelledby="runs">
        <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
          <h2 id="runs">{t("runs.listTitle")}</h2>
          <nav className="filters" aria-label={t("runs.filter")}>
            <Link to="/treasury" aria-current={status === null ? "page" : undefined}>{t("runs.all")}</Link>
            {RUN_STATUSES.map((s) => (
              <Link key={s} to={`/treasury?status=${s}`} aria-current={status === s ? "page" : undefined}>{t(`status.${s}`)}</Link>
            ))}
          </nav>
        </div>
        {runs.length === 0 ? (
          <p className="empty card">{t("runs.listEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="runs">
              <thead>
                <tr>
                  <th scope="col">{t("runs.number")}</th>
                  <th scope="col">{t("runs.company")}</th>
                  <th scope="col">{t("run.valueDate")}</th>
                  <th scope="col" className="num">{t("runs.claims")}</th>
                  <th scope="col" className="num">{t("runs.total")}</th>
                  <th scope="col">{t("runs.status")}</th>
                  <th scope="col">{t("runs.transmission")}</th>
                  <th scope="col">{t("runs.preparedBy")}</th>
                  <th scope="col">{t("runs.approvedBy")}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td data-label={t("runs.number")}>
                      <Link to={`/treasury/runs/${r.id}`}>{r.number}</Link>
                      {r.flagged > 0 ? <> <span className="badge badge-RETURNED" title={t("runs.flagged")}>⚑ {r.flagged}</span></> : null}
                    </td>
                    <td data-label={t("runs.company")}>{i18n.language === "zh-CN" ? r.companyNameZh : r.companyName}<br /><span className="muted">{r.payerName}</span></td>
                    <td data-label={t("run.valueDate")}>{formatCalendarDate(r.valueDate, i18n.language)}</td>
                    <td data-label={t("runs.claims")} className="num">{r.paymentCount}</td>
                    <td data-label={t("runs.total")} className="num"><Money minor={r.totalMinor} currency={r.currency} /></td>
                    <td data-label={t("runs.status")}><span className={`badge run-${r.status}`}>{t(`status.${r.status}`)}</span></td>
                    <td data-label={t("runs.transmission")}>{t(`transmission.${r.transmission}`)}</td>
                    <td data-label={t("runs.preparedBy")}>{r.preparedBy}<br /><span className="muted">{formatDateTime(r.preparedAt, i18n.language)}</span></td>
                    <td data-label={t("runs.approvedBy")}>{r.approvedBy ?? "—"}</td>
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

export function ErrorBoundary() {
  return <RouteError />;
}
