import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useCallback, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ClaimLinesTable } from "~/components/claim-lines-table";
import { QaPanel } from "~/components/qa-panel";
import { ReceiptThumb } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { useKeyboardShortcuts } from "~/components/use-keyboard-shortcuts";
import { useScrollIntoView } from "~/components/use-scroll-into-view";
import { useAnnounceIncomingClaim, useWorkstationLineSync } from "~/components/use-workstation-sync";
import { WorkstationClaimFacts } from "~/components/workstation-claim-facts";
import { DecisionError, WorkstationDecisionPanel } from "~/components/workstation-decision-panel";
import { LineFindings } from "~/components/workstation-finding-chip";
import { WorkstationHelpDialog } from "~/components/workstation-help-dialog";
import { WorkstationHistory } from "~/components/workstation-history";
import { moveSelection, workstationShortcut, type WorkstationAction } from "~/components/workstation-shortcuts";
import { viewerPath, type ReadingMarkMessage } from "~/components/workstation-sync";
import { openViewerWindow } from "~/components/workstation-viewer-window";
import { hasRole, type Actor } from "~/domain/actor";
import { AppError, isAppError } from "~/domain/app-error";
import { isCurrencyCode, minorToDecimalString, parseAmount } from "~/domain/money";
import type { Finding } from "~/domain/claim-checks";
import type { Role } from "~/generated/prisma/enums";
import { recordQaCheck, takeNextQaTask } from "~/models/qa-checks.server";
import { decideReview, getWorkstation, type ReviewDecision } from "~/models/review.server";
import { takeNextTask } from "~/models/work-queue.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { parseForm, replyReason } from "~/utils/forms";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.ws.claim.number ?? ""} · Accounting Factory` }];

/** The approve form's id: the approved-amount inputs in the lines table belong to it. */
const APPROVE_FORM_ID = "ws-approve-form";

const VIEWER_ROLES = ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
const DECISIONS = ["approve", "return", "reject"] as const satisfies readonly ReviewDecision[];

/** The approve, return and reject forms: the decision at the claim version the accountant saw. */
const DecisionSchema = z.object({
  intent: z.enum(DECISIONS),
  claimVersion: z.number().int(),
  reasonCodes: z.array(z.string()).default([]),
  comment: z.string().optional(),
  next: z.string().optional(),
  /** Approve: each line's approved amount as typed, with its id and currency (the model checks it against the claimed amount). */
  lines: z.array(z.object({ id: z.string(), currency: z.string(), approved: z.string().optional() })).default([]),
});

/** The approved amounts typed per line, in minor units; a line left empty is approved in full. */
function approvedAmountsOf(lines: { id: string; currency: string; approved?: string }[]): { amounts: Record<string, bigint>; fieldErrors: Record<string, string> } {
  const amounts: Record<string, bigint> = {};
  const fieldErrors: Record<string, string> = {};
  lines.forEach((l, i) => {
    if (l.approved === undefined || l.approved.trim() === "") return;
    if (!isCurrencyCode(l.currency)) {
      fieldErrors[`lines.${i}.approved`] = "invalid";
      return;
    }
    const parsed = parseAmount(l.approved, l.currency);
    if (parsed.ok) amounts[l.id] = parsed.minor;
    else fieldErrors[`lines.${i}.approved`] = parsed.code;
  });
  return { amounts, fieldErrors };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...VIEWER_ROLES);
  const ws = await getWorkstation({ taskId: params.taskId ?? "", viewer: user });
  if (!ws) throw new Response("Not found", { status: 404 });
  return { ws, timeZone: user.timeZone, canTake: hasRole(user, ws.qa ? "QA" : "ACCOUNTANT") };
}

/** Takes the next task (the queue's "Next"); an empty queue or a lost race lands on the queue page. */
async function goToNext(user: Actor): Promise<Response> {
  if (!hasRole(user, "ACCOUNTANT")) return redirect("/queue");
  try {
    const taken = await takeNextTask({ accountant: user });
    // ?claim= lets this page move the viewer window while the new task's data is still loading.
    return redirect(taken ? `/work/${taken.taskId}?claim=${encodeURIComponent(taken.claimId)}` : "/queue");
  } catch (err) {
    if (isAppError(err, "forbidden", "stale")) return redirect("/queue");
    throw err;
  }
}

/** The QA check form: the claim version the reviewer saw, and the result (the model checks the result's rules: QaResultSchema). */
const QaRecordForm = z.object({
  claimVersion: z.number().int(),
  outcome: z.string().optional(),
  errorType: z.string().optional(),
  severity: z.string().optional(),
  comment: z.string().optional(),
  next: z.literal("1").optional(),
});

/** A QA task: record the check (then the next one, or back to /qa), or take the next check. */
async function qaAction(user: Actor, intent: string, form: FormData, taskId: string) {
  if (!hasRole(user, "QA")) throw new Response("Forbidden", { status: 403 });
  if (intent === "qa_record") {
    const submission = parseForm(form, QaRecordForm);
    if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
    const { claimVersion, outcome, errorType, severity, comment, next } = submission.value;
    try {
      await recordQaCheck({
        reviewer: user,
        qaTaskId: taskId,
        claimVersion,
        input: { outcome: outcome ?? null, errorType: errorType ?? null, severity: severity ?? null, comment: comment ?? null },
      });
    } catch (err) {
      if (isAppError(err)) return { qaError: err.code, problems: err.fieldErrors };
      throw err;
    }
    if (next !== "1") return redirect("/qa");
  }
  const taken = await takeNextQaTask({ reviewer: user });
  return redirect(taken ? `/work/${taken.taskId}` : "/qa");
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Refused before the body is read; each intent below checks its own role again.
  const user = await requireRole(request, "ACCOUNTANT", "QA");
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "qa_record" || intent === "qa_next") return qaAction(user, intent, form, params.taskId ?? "");
  if (!hasRole(user, "ACCOUNTANT")) throw new Response("Forbidden", { status: 403 });
  if (intent === "next") return goToNext(user);
  const submission = parseForm(form, DecisionSchema);
  if (submission.status !== "success") throw new Response("Bad request", { status: 400 });
  const { intent: decision, claimVersion, reasonCodes, comment, next, lines } = submission.value;
  try {
    const approved = decision === "approve" ? approvedAmountsOf(lines) : { amounts: {}, fieldErrors: {} };
    if (Object.keys(approved.fieldErrors).length > 0) throw new AppError("invalid", { fieldErrors: approved.fieldErrors });
    await decideReview({ viewer: user, taskId: params.taskId ?? "", claimVersion, decision, reasonCodes, comment, approvedAmounts: approved.amounts });
  } catch (err) {
    // A refusal goes back to the page (200, as always) with its code and reason; anything else is a bug.
    return replyWithError(submission, err, { status: 200 });
  }
  return next === "1" ? goToNext(user) : redirect("/queue");
}

export default function Workstation() {
  const { ws } = useLoaderData<typeof loader>();
  const [andNext, setAndNext] = useState(true);
  useAnnounceIncomingClaim(ws.claim.id);
  // Next (or a decision "and next") lands on this same route with another task: React would keep the
  // old task's selected line (and post its receipt to the viewer) and the reasons and comments typed
  // into uncontrolled fields. Keyed by task, everything starts fresh; only the "and next" choice stays.
  return <WorkstationTask key={ws.task.id} andNext={andNext} setAndNext={setAndNext} />;
}

function WorkstationTask({ andNext, setAndNext }: { andNext: boolean; setAndNext: (value: boolean) => void }) {
  const { ws, timeZone, canTake } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("work");
  const { t: tq } = useTranslation("quality");
  const locale = i18n.language;
  const { claim, task } = ws;
  const busy = navigation.state !== "idle";

  const [selected, setSelected] = useState(-1);
  const [helpOpen, setHelpOpen] = useState(false);
  const approveRef = useRef<HTMLFormElement>(null);
  const nextRef = useRef<HTMLFormElement>(null);
  const returnRef = useRef<HTMLFieldSetElement>(null);
  const rejectRef = useRef<HTMLTextAreaElement>(null);
  const qaPassRef = useRef<HTMLFormElement>(null);
  const qaErrorTypeRef = useRef<HTMLSelectElement>(null);
  const canRecordQa = ws.qa?.canRecord === true;

  // The viewer window follows the selected line (see use-workstation-sync).
  // Issue 14: the viewer outlines where the selected line's receipt total was read (or says it came from e-invoice data).
  const markFor = (receiptId: string): ReadingMarkMessage | null => {
    const mark = ws.readings.find((r) => r.receiptId === receiptId);
    return mark?.total ? { source: mark.source, region: mark.total.region } : null;
  };
  const targetReceiptId = useWorkstationLineSync({ claimId: claim.id, lines: claim.lines, receipts: claim.receipts, selected, setSelected, markFor });
  const viewerUrl = viewerPath(claim.id, targetReceiptId);
  const openViewer = useCallback(() => openViewerWindow(viewerUrl), [viewerUrl]);

  const findingsByLine = new Map<string, Finding[]>();
  for (const f of ws.findings) findingsByLine.set(f.lineId, [...(findingsByLine.get(f.lineId) ?? []), f]);

  const run = (action: WorkstationAction) => {
    switch (action) {
      case "approve":
        if (ws.canDecide && !busy) approveRef.current?.requestSubmit();
        if (canRecordQa && !busy) qaPassRef.current?.requestSubmit();
        break;
      case "focusReturn":
        returnRef.current?.scrollIntoView({ block: "nearest" });
        returnRef.current?.querySelector<HTMLInputElement>("input[type=checkbox]")?.focus();
        break;
      case "focusReject":
        rejectRef.current?.scrollIntoView({ block: "nearest" });
        rejectRef.current?.focus();
        qaErrorTypeRef.current?.scrollIntoView({ block: "nearest" });
        qaErrorTypeRef.current?.focus();
        break;
      case "nextLine":
      case "previousLine":
        setSelected((s) => moveSelection(s, action === "nextLine" ? 1 : -1, claim.lines.length));
        break;
      case "nextTask":
        if (canTake && !busy) nextRef.current?.requestSubmit();
        break;
      case "openViewer":
        openViewer();
        break;
      case "toggleHelp":
        setHelpOpen((o) => !o);
        break;
      case "closeHelp":
        setHelpOpen(false);
        break;
    }
  };
  useKeyboardShortcuts((event) => workstationShortcut(event, helpOpen), run);
  useScrollIntoView(selected, () => (selected < 0 ? null : document.querySelector(`[data-line-index="${selected}"]`)));

  const qaResult = result && "qaError" in result ? result : null;
  const decisionReply = result && !("qaError" in result) ? result : undefined;
  const decisionCode = decisionReply?.error?.[""]?.[0] ?? null;

  return (
    <div className="ws">
      <div className="page-head ws-head">
        <h1>
          <span className="mono">{claim.number}</span> <StatusBadge status={claim.status} />
        </h1>
        <div className="row">
          <button type="button" className="button" data-testid="open-viewer" onClick={openViewer} aria-keyshortcuts="v" disabled={claim.receipts.length === 0}>
            {t("receipts.openViewer")} <kbd aria-hidden>V</kbd>
          </button>
          {canTake ? (
            <Form method="post" ref={nextRef}>
              <input type="hidden" name="intent" value={ws.qa ? "qa_next" : "next"} />
              <button type="submit" className="button" disabled={busy} aria-keyshortcuts="n">
                {ws.qa ? tq("page.next") : t("decision.next")} <kbd aria-hidden>N</kbd>
              </button>
            </Form>
          ) : null}
          <button type="button" className="button ws-help-button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
            {t("help.open")}
          </button>
          <Link to={ws.qa ? "/qa" : "/queue"} className="button">{ws.qa ? tq("settings.back") : t("decision.back")}</Link>
        </div>
      </div>

      {!ws.canDecide && !canRecordQa ? (
        <p className="notice" role="status">
          {task.status === "IN_PROGRESS" ? t("readOnly") : t("notInProgress", { status: task.status })}
        </p>
      ) : null}

      {decisionCode ? <DecisionError code={decisionCode} reason={replyReason(decisionReply) ?? null} /> : null}

      <div className="ws-grid">
        <div className="ws-main">
          <WorkstationClaimFacts claim={claim} task={task} timeZone={timeZone} />

          <section className="card">
            <h2>{t("lines.title")}</h2>
            {claim.lines.length === 0 ? (
              <p className="muted">{t("lines.none")}</p>
            ) : (
              <ClaimLinesTable
                claim={claim}
                className="ws-lines"
                rowProps={(_l, i) => ({
                  "data-line-index": i,
                  className: i === selected ? "ws-line-selected" : undefined,
                  "aria-current": i === selected ? "true" : undefined,
                  onClick: () => setSelected(i),
                })}
                extraColumn={{
                  header: t("lines.checks"),
                  render: (l) => <LineFindings findings={findingsByLine.get(l.id) ?? []} t={t} locale={locale} />,
                }}
                extraColumns={
                  ws.canDecide
                    ? [
                        {
                          header: t("lines.approved"),
                          render: (l, i) => {
                            const problem = decisionReply?.error?.[`lines.${i}.approved`]?.[0];
                            return (
                              <div className="ws-approved" onClick={(e) => e.stopPropagation()}>
                                <input type="hidden" form={APPROVE_FORM_ID} name={`lines[${i}].id`} value={l.id} />
                                <input type="hidden" form={APPROVE_FORM_ID} name={`lines[${i}].currency`} value={l.amount.currency} />
                                <input
                                  form={APPROVE_FORM_ID}
                                  name={`lines[${i}].approved`}
                                  inputMode="decimal"
                                  className="num"
                                  size={10}
                                  defaultValue={minorToDecimalString(l.approvedMinor ?? l.amount.minor, l.amount.currency)}
                                  aria-label={t("lines.approvedLabel", { n: i + 1, currency: l.amount.currency })}
                                  aria-invalid={problem ? true : undefined}
                                  data-testid="approved-amount"
                                />
                                {problem ? (
                                  <p className="field-error" role="alert">
                                    {t(`lines.approvedError.${problem}`, { defaultValue: t("lines.approvedError.invalid") })}
                                  </p>
                                ) : null}
                              </div>
                            );
                          },
                        },
                      ]
                    : []
                }
              />
            )}
          </section>

          <section className="card">
            <h2>{t("receipts.title")}</h2>
            {claim.receipts.length === 0 ? (
              <p className="muted">{t("receipts.none")}</p>
            ) : (
              <div className="ws-receipts">
                {claim.receipts.map((r) => (
                  <figure key={r.id} className="ws-receipt">
                    <ReceiptThumb claimId={claim.id} receipt={r} />
                    <figcaption className="small muted">{r.fileName}</figcaption>
                  </figure>
                ))}
              </div>
            )}
          </section>

          <WorkstationHistory history={ws.history} returnReasons={ws.returnReasons} timeZone={timeZone} />
        </div>

        <aside className="ws-side">
          {ws.qa ? (
            <QaPanel
              qa={ws.qa}
              claimVersion={claim.version}
              taskStatus={task.status}
              busy={busy}
              timeZone={timeZone}
              actionResult={qaResult}
              passFormRef={qaPassRef}
              errorTypeRef={qaErrorTypeRef}
            />
          ) : (
            <WorkstationDecisionPanel
              canDecide={ws.canDecide}
              claimVersion={claim.version}
              returnReasons={ws.returnReasons}
              assigneeName={task.assigneeName}
              busy={busy}
              andNext={andNext}
              setAndNext={setAndNext}
              approveFormRef={approveRef}
              approveFormId={APPROVE_FORM_ID}
              returnFieldsRef={returnRef}
              rejectCommentRef={rejectRef}
            />
          )}
        </aside>
      </div>

      <WorkstationHelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} qa={ws.qa !== null} />
    </div>
  );
}

export const ErrorBoundary = RouteError;
