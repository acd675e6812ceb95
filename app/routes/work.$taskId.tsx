import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ClaimLinesTable, MissingRates } from "~/components/claim-lines-table";
import { QaPanel } from "~/components/qa-panel";
import { ReceiptThumb } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { isTypingTarget, moveSelection, WORKSTATION_SHORTCUTS, workstationActionForKey } from "~/components/workstation-shortcuts";
import {
  acceptSyncMessage,
  openSyncChannel,
  otherScreen,
  popupFeatures,
  postSync,
  targetForLine,
  viewerPath,
  type ScreenArea,
} from "~/components/workstation-sync";
import type { Finding } from "~/domain/claim-checks";
import { formatMoney } from "~/domain/money";
import type { Role } from "~/generated/prisma/enums";
import { isAppError } from "~/domain/app-error";
import { recordQaCheck, takeNextQaTask } from "~/models/qa-checks.server";
import { decideReview, getWorkstation, ReviewError, type ReviewDecision } from "~/models/review.server";
import { takeNextTask, WorkQueueError } from "~/models/work-queue.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, formatDateTime, formatTotals, localName } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.ws.claim.number ?? ""} · Accounting Factory` }];

const VIEWER_ROLES = ["ACCOUNTANT", "QA", "SUPERVISOR", "ADMIN"] as const satisfies readonly Role[];
const DECISIONS: readonly ReviewDecision[] = ["approve", "return", "reject"];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...VIEWER_ROLES);
  const ws = await getWorkstation({ taskId: params.taskId ?? "", viewer: user });
  if (!ws) throw new Response("Not found", { status: 404 });
  return { ws, timeZone: user.timeZone, canTake: user.roles.includes(ws.qa ? "QA" : "ACCOUNTANT") };
}

/** Takes the next task (the queue's "Next"); an empty queue or a lost race lands on the queue page. */
async function goToNext(user: { id: string; roles: Role[] }): Promise<Response> {
  if (!user.roles.includes("ACCOUNTANT")) return redirect("/queue");
  try {
    const taken = await takeNextTask({ accountant: user });
    // ?claim= lets this page move the viewer window while the new task's data is still loading.
    return redirect(taken ? `/work/${taken.taskId}?claim=${encodeURIComponent(taken.claimId)}` : "/queue");
  } catch (err) {
    if (err instanceof WorkQueueError) return redirect("/queue");
    throw err;
  }
}

/** A QA task: record the check (then the next one, or back to /qa), or take the next check. */
async function qaAction(user: { id: string; roles: Role[] }, intent: string, form: FormData, taskId: string) {
  if (!user.roles.includes("QA")) throw new Response("Forbidden", { status: 403 });
  if (intent === "qa_record") {
    const claimVersion = Number(form.get("claimVersion"));
    if (!Number.isInteger(claimVersion)) throw new Response("Bad request", { status: 400 });
    const text = (name: string) => (typeof form.get(name) === "string" ? String(form.get(name)) : null);
    try {
      await recordQaCheck({
        reviewer: user,
        qaTaskId: taskId,
        claimVersion,
        input: { outcome: text("outcome"), errorType: text("errorType"), severity: text("severity"), comment: text("comment") },
      });
    } catch (err) {
      if (isAppError(err)) return { qaError: err.code, problems: err.fieldErrors };
      throw err;
    }
    if (form.get("next") !== "1") return redirect("/qa");
  }
  const taken = await takeNextQaTask({ reviewer: user });
  return redirect(taken ? `/work/${taken.taskId}` : "/qa");
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Refused before the body is read; each intent below checks its own role again.
  const user = await requireRole(request, "ACCOUNTANT", "QA");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "qa_record" || intent === "qa_next") return qaAction(user, intent, form, params.taskId ?? "");
  if (!user.roles.includes("ACCOUNTANT")) throw new Response("Forbidden", { status: 403 });
  if (intent === "next") return goToNext(user);
  if (!DECISIONS.includes(intent as ReviewDecision)) throw new Response("Bad request", { status: 400 });
  const claimVersion = Number(form.get("claimVersion"));
  if (!Number.isInteger(claimVersion)) throw new Response("Bad request", { status: 400 });
  try {
    await decideReview({
      viewer: user,
      taskId: params.taskId ?? "",
      claimVersion,
      decision: intent as ReviewDecision,
      reasonCodes: form.getAll("reasonCodes").map(String),
      comment: String(form.get("comment") ?? ""),
    });
  } catch (err) {
    if (err instanceof ReviewError) return { error: err.code, reason: err.reason ?? null, intent };
    throw err;
  }
  return form.get("next") === "1" ? goToNext(user) : redirect("/queue");
}

type TFn = (key: string, options?: Record<string, unknown>) => string;

function money(minor: string | number | undefined, currency: string | number | undefined, locale: string): string {
  if (minor === undefined || currency === undefined) return "";
  return formatMoney({ minor: BigInt(minor), currency: String(currency) }, locale);
}

/** One finding as a severity-coloured chip with translated text (duplicates link to the other claim). */
function FindingChip({ finding, t, locale }: { finding: Finding; t: TFn; locale: string }) {
  const p = finding.params;
  let text: ReactNode;
  switch (finding.code) {
    case "duplicate_receipt":
    case "similar_receipt":
      text = (
        <>
          {t(`finding.${finding.code}`)}{" "}
          <Link to={`/claims/${String(p.claimId)}`} className="mono" target="_blank" rel="noreferrer">
            {String(p.claimNumber)}
          </Link>
          {finding.code === "similar_receipt" ? <> {t("finding.similar_distance", { distance: p.distance })}</> : null}
        </>
      );
      break;
    case "over_category_limit":
      text = t(p.reason === "no_rate" ? "finding.over_category_limit_no_rate" : "finding.over_category_limit", {
        limit: money(p.limitMinor, p.limitCurrency, locale),
      });
      break;
    case "weekend_or_holiday":
      text = t(`finding.weekend_or_holiday_${p.reason === "holiday" ? "holiday" : "weekend"}`);
      break;
    case "receipt_date_far":
      text = t("finding.receipt_date_far", { capturedOn: formatCalendarDate(String(p.capturedOn), locale), days: p.days });
      break;
    case "fx_rate_out_of_tolerance":
      text = t("finding.fx_rate_out_of_tolerance", { impliedRate: p.impliedRate, referenceRate: p.referenceRate, deviationPercent: p.deviationPercent });
      break;
    default:
      text = t(`finding.${finding.code}`);
  }
  return (
    <li className={`finding finding-${finding.severity}`} data-testid="finding" data-code={finding.code}>
      <span className="visually-hidden">{t(`severity.${finding.severity}`)}: </span>
      {text}
    </li>
  );
}

/** The Window Management API (Chromium); not in TypeScript's DOM types yet. */
type ScreenDetailsLike = { screens: readonly ScreenArea[]; currentScreen: ScreenArea };
type WindowWithScreens = Window & { getScreenDetails?: () => Promise<ScreenDetailsLike> };

/**
 * Opens (or re-targets) the viewer window. With the Window Management API it goes on another screen,
 * filling that screen; the call inside the click/key handler is what asks for the permission. Without
 * it (or when refused, or with one screen) a plain popup, whose position the browser remembers.
 */
function openViewerWindow(url: string): void {
  const fallback = () => void window.open(url, "af-viewer", "popup");
  const w = window as WindowWithScreens;
  if (typeof w.getScreenDetails !== "function") return fallback();
  let details: Promise<ScreenDetailsLike>;
  try {
    details = w.getScreenDetails();
  } catch {
    return fallback();
  }
  details.then(
    (d) => {
      const screen = otherScreen(d.screens, d.currentScreen);
      window.open(url, "af-viewer", screen ? popupFeatures(screen) : "popup");
    },
    fallback,
  );
}

/** The coded reasons of a return in the history (audit data `reasonCodes`). */
function reasonCodesOf(data: Record<string, unknown>): string[] {
  return Array.isArray(data.reasonCodes) ? data.reasonCodes.filter((c): c is string => typeof c === "string") : [];
}

function eventLabel(t: TFn, type: string, data: Record<string, unknown>): string {
  const label = t(`event.${type.replace(".", "_")}`, { ...data, defaultValue: "" });
  return label || t("event.other", { type });
}

export default function Workstation() {
  const { ws } = useLoaderData<typeof loader>();
  const [andNext, setAndNext] = useState(true);
  // After Next the redirect names the new claim: the viewer starts loading it now, in parallel with
  // this page's data, instead of after it (one server round trip saved on "Next → viewer").
  const navigation = useNavigation();
  const loadingClaim =
    navigation.state === "loading" && navigation.location.pathname.startsWith("/work/")
      ? new URLSearchParams(navigation.location.search).get("claim")
      : null;
  const earlyRef = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    earlyRef.current = openSyncChannel();
    return () => {
      earlyRef.current?.close();
      earlyRef.current = null;
    };
  }, []);
  useEffect(() => {
    if (loadingClaim && loadingClaim !== ws.claim.id) postSync(earlyRef.current, { type: "claim", claimId: loadingClaim, receiptId: null });
  }, [loadingClaim, ws.claim.id]);
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
  const { t: tc } = useTranslation("claims");
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
  const helpRef = useRef<HTMLDialogElement>(null);
  const qaPassRef = useRef<HTMLFormElement>(null);
  const qaErrorTypeRef = useRef<HTMLSelectElement>(null);
  const canRecordQa = ws.qa?.canRecord === true;

  // The viewer window follows the selected line over a BroadcastChannel (see workstation-sync).
  const selectedLine = selected >= 0 ? claim.lines[selected] : undefined;
  const target = targetForLine(selectedLine, claim.receipts);
  const targetReceiptId = target?.receiptId ?? null;
  const syncRef = useRef<BroadcastChannel | null>(null);
  const syncStateRef = useRef({ claimId: claim.id, receiptId: targetReceiptId, lineIds: selectedLine ? [selectedLine.id] : [] });
  syncStateRef.current = { claimId: claim.id, receiptId: targetReceiptId, lineIds: selectedLine ? [selectedLine.id] : [] };
  const linesRef = useRef(claim.lines);
  linesRef.current = claim.lines;
  // Set when the selection was adopted from the viewer (it is already there: do not move it to page 1).
  const adoptedRef = useRef<number | null>(null);

  useEffect(() => {
    const channel = openSyncChannel();
    syncRef.current = channel;
    if (!channel) return;
    const claimId = claim.id;
    channel.onmessage = (event: MessageEvent) => {
      const message = acceptSyncMessage(event.data, claimId);
      if (!message) return;
      if (message.type === "hello" && message.from === "viewer") {
        const state = syncStateRef.current;
        postSync(channel, { type: "state", from: "workstation", claimId, receiptId: state.receiptId, page: 1, lineIds: state.lineIds });
      } else if (message.type === "state" && message.from === "viewer") {
        // After a reload of this page: pick up the line the viewer was showing, if nothing is selected.
        const index = linesRef.current.findIndex((l) => message.lineIds.includes(l.id));
        if (index < 0) return;
        setSelected((current) => {
          if (current >= 0) return current;
          adoptedRef.current = index;
          return index;
        });
      }
    };
    // A new task (e.g. taken with Next) moves the viewer to this claim; then ask where it is.
    postSync(channel, { type: "claim", claimId, receiptId: null });
    postSync(channel, { type: "hello", from: "workstation", claimId });
    return () => {
      syncRef.current = null;
      channel.onmessage = null;
      channel.close();
    };
  }, [claim.id]);

  const selectedLineId = selectedLine?.id ?? null;
  useEffect(() => {
    if (selected < 0 || targetReceiptId === null || selectedLineId === null) return;
    if (adoptedRef.current === selected) {
      adoptedRef.current = null;
      return;
    }
    postSync(syncRef.current, {
      type: "show",
      claimId: claim.id,
      receiptId: targetReceiptId,
      page: 1,
      lineIds: [selectedLineId],
      sentAt: Date.now(),
    });
  }, [selected, selectedLineId, targetReceiptId, claim.id]);

  const viewerUrl = viewerPath(claim.id, targetReceiptId);
  const openViewer = useCallback(() => openViewerWindow(viewerUrl), [viewerUrl]);

  const findingsByLine = new Map<string, Finding[]>();
  for (const f of ws.findings) findingsByLine.set(f.lineId, [...(findingsByLine.get(f.lineId) ?? []), f]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || e.defaultPrevented) return;
      const action = workstationActionForKey(e);
      if (!action) return;
      if (action !== "closeHelp" && isTypingTarget(e.target instanceof HTMLElement ? e.target : null)) return;
      if (helpOpen && action !== "toggleHelp" && action !== "closeHelp") return;
      e.preventDefault();
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
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [helpOpen, busy, ws.canDecide, canRecordQa, canTake, claim.lines.length, openViewer]);

  useEffect(() => {
    const dialog = helpRef.current;
    if (!dialog) return;
    if (helpOpen && !dialog.open) dialog.showModal();
    if (!helpOpen && dialog.open) dialog.close();
  }, [helpOpen]);

  useEffect(() => {
    if (selected < 0) return;
    document.querySelector(`[data-line-index="${selected}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const error = result && "error" in result ? result : null;
  const qaResult = result && "qaError" in result ? result : null;
  const hidden = (intent: ReviewDecision) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="claimVersion" value={claim.version} />
      {andNext ? <input type="hidden" name="next" value="1" /> : null}
    </>
  );

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

      {error ? (
        <div className={`notice ws-error${error.error === "stale" ? " ws-conflict" : ""}`} role="alert" data-testid="decision-error">
          <strong>
            {t(`error.${error.error}`, { reason: error.reason ? t(`segregation.${error.reason}`, { defaultValue: error.reason }) : "" })}
          </strong>{" "}
          {error.error === "stale" || error.error === "invalid_reason" ? (
            <Link to="." reloadDocument className="button button-small">{t("error.reload")}</Link>
          ) : null}
        </div>
      ) : null}

      <div className="ws-grid">
        <div className="ws-main">
          <section className="card">
            <h2 className="purpose">{claim.purpose || <span className="muted">{tc("list.noPurpose")}</span>}</h2>
            <dl className="facts ws-facts">
              <div><dt>{t("header.claimant")}</dt><dd>{claim.claimant.name}</dd></div>
              <div><dt>{t("header.company")}</dt><dd>{localName(claim.company, locale)}</dd></div>
              <div><dt>{t("header.department")}</dt><dd>{localName(claim.department, locale)}</dd></div>
              <div>
                <dt>{t("header.group")}</dt>
                <dd>{task.groupName ? localName({ name: task.groupName, nameZh: task.groupNameZh ?? task.groupName }, locale) : "—"}</dd>
              </div>
              <div><dt>{t("header.totals")}</dt><dd className="totals" data-testid="claim-totals">{formatTotals(claim.totals, locale)}</dd></div>
              <div>
                <dt>{t("header.inCompanyCurrency", { currency: claim.company.currency })}</dt>
                <dd className="totals" data-testid="company-total">{formatMoney(claim.companyTotal, locale)}</dd>
              </div>
              <div>
                <dt>{t("header.slaDue")}</dt>
                <dd data-testid="sla">
                  {task.slaDueAt ? formatDateTime(task.slaDueAt, locale, timeZone) : t("header.noSla")}{" "}
                  <span className={`badge badge-${task.slaState}`}>{t(`sla.${task.slaState}`)}</span>
                </dd>
              </div>
              <div><dt>{t("header.complexity")}</dt><dd><span className="ws-band">{task.complexity}</span></dd></div>
            </dl>
            <MissingRates claim={claim} />
          </section>

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
                  render: (l) => {
                    const findings = findingsByLine.get(l.id) ?? [];
                    return findings.length === 0 ? (
                      <span className="finding-none">{t("lines.noFindings")}</span>
                    ) : (
                      <ul className="findings">
                        {findings.map((f, k) => (
                          <FindingChip key={`${f.code}-${k}`} finding={f} t={t} locale={locale} />
                        ))}
                      </ul>
                    );
                  },
                }}
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

          <section className="card">
            <h2>{t("history.title")}</h2>
            <ol className="timeline" data-testid="timeline">
              {ws.history.map((e) => (
                <li key={e.id}>
                  <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at, locale, timeZone)}</time>
                  <span className="timeline-what">
                    {eventLabel(tc, e.type, e.data)}
                    {reasonCodesOf(e.data).length > 0 ? (
                      <span data-testid="history-reasons">
                        {": "}
                        {reasonCodesOf(e.data)
                          .map((code) => {
                            const reason = ws.returnReasons.find((r) => r.code === code);
                            return reason ? localName(reason, locale) : code;
                          })
                          .join(locale.startsWith("zh") ? "、" : ", ")}
                      </span>
                    ) : null}
                    {e.fromStatus && e.toStatus ? (
                      <span className="muted small">
                        {" "}
                        {tc(`status.${e.fromStatus}`)} → {tc(`status.${e.toStatus}`)}
                      </span>
                    ) : null}
                  </span>
                  <span className="muted small">{tc("event.by", { name: e.actorName ?? tc("event.system") })}</span>
                  {typeof e.data.comment === "string" && e.data.comment ? <q className="timeline-comment">{e.data.comment}</q> : null}
                </li>
              ))}
            </ol>
          </section>
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
          <section className="card ws-decision" aria-labelledby="ws-decision-title">
            <h2 id="ws-decision-title">{t("decision.title")}</h2>
            {ws.canDecide ? (
              <>
                <label className="ws-andnext">
                  <input type="checkbox" checked={andNext} onChange={(e) => setAndNext(e.target.checked)} /> {t("decision.andNext")}
                </label>
                <Form method="post" ref={approveRef} className="ws-panel ws-approve">
                  {hidden("approve")}
                  <p className="muted small">{t("decision.approveHint")}</p>
                  <button type="submit" className="button button-primary" disabled={busy} aria-keyshortcuts="a" data-testid="approve">
                    {t("decision.approve")} <kbd aria-hidden>A</kbd>
                  </button>
                </Form>
                <Form method="post" className="ws-panel ws-return">
                  {hidden("return")}
                  <fieldset ref={returnRef} className="ws-reasons">
                    <legend>
                      {t("decision.return")} <kbd aria-hidden>R</kbd>
                    </legend>
                    <p className="muted small">{t("decision.returnReasons")}</p>
                    {ws.returnReasons.map((r) => (
                      <label key={r.code} className="ws-reason">
                        <input type="checkbox" name="reasonCodes" value={r.code} /> {localName(r, locale)}
                      </label>
                    ))}
                    <label className="field">
                      <span>{t("decision.comment")}</span>
                      <textarea name="comment" rows={2} />
                    </label>
                    <button type="submit" className="button" disabled={busy} data-testid="return">
                      {t("decision.submitReturn")}
                    </button>
                  </fieldset>
                </Form>
                <Form method="post" className="ws-panel ws-reject">
                  {hidden("reject")}
                  <label className="field">
                    <span>
                      {t("decision.reject")} <kbd aria-hidden>X</kbd>
                    </span>
                    <textarea ref={rejectRef} name="comment" rows={2} required placeholder={t("decision.rejectComment")} />
                  </label>
                  <button type="submit" className="button button-danger" disabled={busy} data-testid="reject">
                    {t("decision.submitReject")}
                  </button>
                </Form>
                {busy ? <p className="muted small" role="status">{t("decision.working")}</p> : null}
              </>
            ) : (
              <p className="muted">{task.assigneeName ? `${t("header.assignee")}: ${task.assigneeName}` : "—"}</p>
            )}
          </section>
          )}
        </aside>
      </div>

      <dialog ref={helpRef} className="ws-help" onClose={() => setHelpOpen(false)} aria-labelledby="ws-help-title">
        <h2 id="ws-help-title">{t("help.title")}</h2>
        <table className="ws-help-table">
          <tbody>
            {WORKSTATION_SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <th>
                  {s.labels.map((l) => (
                    <kbd key={l}>{l}</kbd>
                  ))}
                </th>
                <td>{ws.qa ? tq(`help.${s.action}`, { defaultValue: t(`help.${s.action}`) }) : t(`help.${s.action}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">{t("help.typing")}</p>
        <button type="button" className="button" onClick={() => setHelpOpen(false)}>
          {t("help.close")}
        </button>
      </dialog>
    </div>
  );
}

export const ErrorBoundary = RouteError;
