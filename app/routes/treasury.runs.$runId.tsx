import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { Digest } from "~/components/digest";
import { useBankReason } from "~/components/claim-payment";
import { Money } from "~/components/money";
import { RouteError } from "~/components/route-error";
import { TreasuryTabs } from "~/components/treasury-nav";
import { runDetail } from "~/models/payment-run-views.server";
import { approveRun, cancelRun, releaseRun, runOfActor } from "~/models/payment-runs.server";
import { recordRunStatusByHand, sweepTransmissions } from "~/models/payment-transmission.server";
import { replyWithError, throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { prisma } from "~/utils/db.server";
import { formatCalendarDate, formatDateTime } from "~/utils/format";
import { parseForm, replyDetails, replyReason } from "~/utils/forms";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.run.number ?? "Payment run"} · Accounting Factory` }];

/** One run, for treasury of its company (anyone else: 404): payments with flags, the file and its digest, the actions its state allows. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  try {
    return { run: await runDetail(user, params.runId!) };
  } catch (err) {
    throwAsResponse(err);
  }
}

const RunActionSchema = z.object({
  intent: z.enum(["approve", "release", "cancel", "check_status", "record_status"]),
  /** record_status: one rejected payment per line, "end-to-end id  reason code" (empty: the bank accepted all). */
  rejected: z.string().max(20_000).optional(),
});

/** "PR…P000003 AC04" per line → what e-banking shows as rejected. */
function rejectedLines(text: string | undefined): { endToEndId: string; reason: string }[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [endToEndId, ...reason] = l.split(/\s+/);
      return { endToEndId: endToEndId!, reason: reason.join(" ") || "NARR" };
    });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "TREASURY");
  const submission = parseForm(await request.formData(), RunActionSchema);
  if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
  const runId = params.runId!;
  try {
    const intent = submission.value.intent;
    if (intent === "approve") await approveRun(user, runId);
    else if (intent === "release") await releaseRun(user, runId);
    else if (intent === "cancel") await cancelRun(user, runId);
    else {
      // The bank's answer: asked over the link now, or recorded by hand from e-banking — on a run of the caller's companies.
      const run = await runOfActor(prisma, user, runId);
      if (intent === "check_status") await sweepTransmissions({ runIds: [run.id] });
      else await recordRunStatusByHand(run.id, user, rejectedLines(submission.value.rejected));
    }
    return redirect(`/treasury/runs/${runId}?done=${intent}`);
  } catch (err) {
    return replyWithError(submission, err, { status: 200 });
  }
}

const DONE = { approve: "run.approved", release: "run.released", cancel: "run.cancelled", check_status: "run.statusChecked", record_status: "run.statusRecorded", prepared: null } as const;

export default function PaymentRun() {
  const { run } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation("treasury");
  const lang = i18n.language;
  const done = DONE[params.get("done") as keyof typeof DONE] ?? null;
  const busy = navigation.state !== "idle";
  const refusal = reply && "error" in reply ? (replyReason(reply) ?? reply.error?.[""]?.[0]) : undefined;
  const details = replyDetails(reply);
  const problems = (details.problems as { claimNumber: string; problem: string }[] | undefined) ?? run.blocked?.problems ?? [];
  const hostToHost = run.payer.connector === "host-to-host";
  const bankReason = useBankReason();
  return (
    <>
      <p><Link to="/treasury">← {t("run.back")}</Link></p>
      <div className="page-head">
        <h1>{t("run.title", { number: run.number })}</h1>
        <span className={`badge run-${run.status}`} data-testid="run-status">{t(`status.${run.status}`)}</span>
      </div>
      <TreasuryTabs />
      {done ? <p className="notice" role="status">{t(done)}</p> : null}
      {refusal ? <FieldError errors={[refusal]} ns="treasury" prefix="errors" values={{ claims: ((details.claims as string[] | undefined) ?? []).join(", ") }} /> : null}
      {run.status === "BLOCKED" ? (
        <div className="card callout-danger" role="alert" data-testid="blocked">
          <strong>{t("run.blockedTitle")}</strong>
          <p>{t("run.blockedText")}</p>
        </div>
      ) : null}
      {problems.length > 0 || run.blocked?.fileChanged ? (
        <ul data-testid="problems">
          {problems.map((p, i) => <li key={i}>{p.claimNumber}: {t(`problems.${p.problem}`)}</li>)}
          {run.blocked?.fileChanged ? <li>{t("problems.file_changed")}</li> : null}
        </ul>
      ) : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="facts">
          <h2 id="facts">{t("run.facts")}</h2>
          <dl className="facts">
            <div><dt>{t("runs.company")}</dt><dd>{lang === "zh-CN" ? run.companyNameZh : run.companyName}</dd></div>
            <div><dt>{t("run.valueDate")}</dt><dd>{formatCalendarDate(run.valueDate, lang)}</dd></div>
            <div><dt>{t("runs.total")}</dt><dd><strong><Money minor={run.totalMinor} currency={run.currency} /></strong> · {t("run.payments", { count: run.paymentCount })}</dd></div>
            <div><dt>{t("run.payer")}</dt><dd>{run.payer.name}<br /><span className="muted">{run.payer.account}</span></dd></div>
            <div><dt>{t("run.connector")}</dt><dd>{hostToHost ? t("run.connectorH2h") : t("run.connectorFile")} · {run.payer.fileFormat}</dd></div>
            <div><dt>{t("runs.transmission")}</dt><dd data-testid="transmission">{t(`transmission.${run.transmission}`)}{run.bankReference ? ` · ${t("run.bankReference")} ${run.bankReference}` : ""}{run.statusChecks > 0 ? ` · ${t("run.statusChecks", { count: run.statusChecks })}` : ""}</dd></div>
            <div><dt>{t("run.preparedBy")}</dt><dd>{run.preparedBy} · {formatDateTime(run.preparedAt, lang)}</dd></div>
            <div><dt>{t("run.approvedBy")}</dt><dd>{run.approvedBy ? `${run.approvedBy} · ${formatDateTime(run.approvedAt!, lang)}` : t("run.notYet")}</dd></div>
            <div><dt>{t("run.releasedBy")}</dt><dd>{run.releasedBy ? `${run.releasedBy} · ${formatDateTime(run.releasedAt!, lang)}` : t("run.notYet")}</dd></div>
          </dl>
        </section>
        <section className="card" aria-labelledby="file">
          <h2 id="file">{t("run.file")}</h2>
          {run.file ? (
            <>
              <p>
                <strong>{run.file.fileName}</strong> · {(run.file.sizeBytes / 1024).toFixed(1)} KB
                <br />
                {run.file.schema ? <span className="badge badge-APPROVED">✓ {t("run.schemaValid", { schema: run.file.schema })}</span> : <span className="muted">{t("run.noSchema")}</span>}
              </p>
              <p>
                {t("run.sha256")}: <Digest value={run.file.sha256} chars={16} label={t("run.sha256")} testId="sha256" />
              </p>
              {run.can.download ? <a className="button" href={`/treasury/runs/${run.id}/file`} download>{t("run.download")}</a> : null}
            </>
          ) : (
            <p className="muted">{t("run.fileNone")}</p>
          )}
          {run.can.approve || run.can.release || run.can.cancel || run.can.checkStatus || run.can.recordStatus || run.whyNot.approve ? <h2 style={{ marginTop: "1rem" }}>{t("run.actions")}</h2> : null}
          {run.flagged > 0 && run.status === "PREPARED" ? <p className="callout-warn">{t("run.flaggedNote", { count: run.flagged })}</p> : null}
          <Form method="post" className="stack">
            {run.can.approve ? (
              <p><button type="submit" name="intent" value="approve" className="button button-primary" disabled={busy}>{t("run.approve")}</button><br /><span className="muted">{t("run.approveHint")}</span></p>
            ) : null}
            {run.whyNot.approve === "own_run" ? <p className="muted" data-testid="own-run">{t("run.ownRun")}</p> : null}
            {run.can.release ? (
              <p>
                <button type="submit" name="intent" value="release" className="button button-primary" disabled={busy}>{hostToHost ? t("run.send") : t("run.markSent")}</button>
                <br /><span className="muted">{hostToHost ? t("run.sendHint") : t("run.markSentHint")}</span>
              </p>
            ) : null}
            {run.can.checkStatus ? (
              <p><button type="submit" name="intent" value="check_status" className="button" disabled={busy}>{t("run.checkStatus")}</button><br /><span className="muted">{t("run.checkStatusHint")}</span></p>
            ) : null}
            {run.can.cancel ? (
              <p><button type="submit" name="intent" value="cancel" className="button button-danger" disabled={busy}>{t("run.cancel")}</button><br /><span className="muted">{t("run.cancelHint")}</span></p>
            ) : null}
          </Form>
          {run.can.recordStatus ? (
            <Form method="post" className="stack" aria-label={t("run.recordStatus")}>
              <input type="hidden" name="intent" value="record_status" />
              <label className="field">
                <span>{t("run.recordStatus")}</span>
                <textarea name="rejected" rows={3} placeholder={`${run.payments[0]?.endToEndId ?? ""} AC04`} className="mono" />
                <span className="muted small">{t("run.recordStatusHint")}</span>
              </label>
              <p><button type="submit" className="button" disabled={busy}>{t("run.recordStatusSave")}</button></p>
            </Form>
          ) : null}
          {run.bankStatus === "NOT_RECEIVED" ? <p className="callout-warn" role="alert">{t("run.notReceived")}</p> : null}
        </section>
      </div>

      <section style={{ marginTop: "1.5rem" }} aria-labelledby="payments">
        <h2 id="payments">{t("run.payments", { count: run.paymentCount })}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="payments">
            <thead>
              <tr>
                <th scope="col">{t("run.position")}</th>
                <th scope="col">{t("runs.claim")}</th>
                <th scope="col">{t("runs.claimant")}</th>
                <th scope="col">{t("run.account")}</th>
                <th scope="col" className="num">{t("runs.amount")}</th>
                <th scope="col">{t("run.e2e")}</th>
                <th scope="col">{t("run.flags")}</th>
                <th scope="col">{t("run.paymentStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {run.payments.map((p) => (
                <tr key={p.id} className={p.flags.length ? "row-flagged" : undefined}>
                  <td data-label={t("run.position")}>{p.position}</td>
                  <td data-label={t("runs.claim")}><Link to={`/claims/${p.claimId}`}>{p.claimNumber}</Link></td>
                  <td data-label={t("runs.claimant")}>{p.claimantName}</td>
                  <td data-label={t("run.account")}>{p.account}</td>
                  <td data-label={t("runs.amount")} className="num"><Money minor={p.minor} currency={p.currency} /></td>
                  <td data-label={t("run.e2e")} className="mono">{p.endToEndId}</td>
                  <td data-label={t("run.flags")}>{p.flags.map((f) => <span key={f} className="badge badge-RETURNED" data-testid="flag">⚑ {t(`flags.${f}`)}</span>)}</td>
                  <td data-label={t("run.paymentStatus")}>{t(`paymentStatus.${p.status}`)}{p.statusReason ? <><br /><span className="muted">{bankReason(p.statusReason)}</span></> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section style={{ marginTop: "1.5rem" }} aria-labelledby="history">
        <h2 id="history">{t("run.history")}</h2>
        <ol className="timeline">
          {run.history.map((h, i) => (
            <li key={i}>
              {t(`run.event.${h.type.replaceAll(".", "_")}`, { defaultValue: t("run.event.other", { type: h.type }) })}
              {h.actorName ? ` · ${h.actorName}` : ""} · <span className="muted">{formatDateTime(h.at, lang)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
