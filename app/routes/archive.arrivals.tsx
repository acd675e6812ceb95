import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { RouteError } from "~/components/route-error";
import { deskScan, resumeDeskPacket, type DeskPacket, type DeskResult } from "~/models/arrival-desk.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate, localName } from "~/utils/format";
import paperStyles from "~/styles/paper.css";
import { ARCHIVE_STAFF } from "~/domain/archive-roles";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: paperStyles }];
export const meta: MetaFunction = () => [{ title: "Arrival desk · Accounting Factory" }];


/** The desk: archive staff only; ?packet= resumes a packet being received (one of the caller's companies'). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const packetId = new URL(request.url).searchParams.get("packet");
  try {
    const packet = packetId ? await resumeDeskPacket(user, packetId) : null;
    return { user: { roles: user.roles }, packet };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** One scanned line: archive staff only, before the form is read; deskScan scopes everything to the caller's companies. */
export async function action({ request }: ActionFunctionArgs): Promise<DeskResult & { seq: number }> {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  const form = await request.formData();
  const packetId = String(form.get("packetId") ?? "") || null;
  const lastClaimId = String(form.get("lastClaimId") ?? "") || null;
  try {
    const result = await deskScan({ viewer: user, packetId, lastClaimId, raw: String(form.get("code") ?? "") });
    return { ...result, seq: Number(form.get("seq") ?? 0) };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** The desk's sounds, made on the spot (no audio files): a short high beep for a good scan, a low double buzz for a problem. */
function useDeskSound() {
  const ctx = useRef<AudioContext | null>(null);
  return useCallback((ok: boolean) => {
    try {
      const AudioCtor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!AudioCtor) return;
      ctx.current ??= new AudioCtor();
      const ac = ctx.current;
      if (ac.state === "suspended") void ac.resume();
      const tone = (freq: number, start: number, length: number, type: OscillatorType, volume: number) => {
        const osc = ac.createOscillator();
        const gain = ac.createGain();
        osc.type = type;
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(volume, ac.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + start + length);
        osc.connect(gain).connect(ac.destination);
        osc.start(ac.currentTime + start);
        osc.stop(ac.currentTime + start + length + 0.02);
      };
      if (ok) tone(1400, 0, 0.12, "sine", 0.25);
      else {
        tone(150, 0, 0.18, "square", 0.2);
        tone(150, 0.26, 0.18, "square", 0.2);
      }
    } catch {
      // No sound on this machine: the screen still says it.
    }
  }, []);
}

type Shown = DeskResult & { seq: number };

function receiptsText(v: unknown): string {
  return Array.isArray(v) ? v.map((n) => `R${String(n)}`).join(", ") : String(v ?? "");
}

export default function ArrivalDesk() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation("paper");
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const beep = useDeskSound();
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<string[]>([]);
  const seq = useRef(0);
  const handled = useRef(0);
  const [packet, setPacket] = useState<DeskPacket | null>(data.packet);
  const [lastClaim, setLastClaim] = useState<{ id: string; number: string } | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [history, setHistory] = useState<Shown[]>([]);
  const state = useRef({ packetId: data.packet?.id ?? null, lastClaimId: null as string | null });

  const focus = useCallback(() => {
    // After a click elsewhere, a response or a re-render: the scanner's keystrokes must land here.
    window.setTimeout(() => input.current?.focus(), 0);
  }, []);

  const sendNext = useCallback(() => {
    if (fetcher.state !== "idle") return;
    const code = queue.current.shift();
    if (code === undefined) return;
    seq.current += 1;
    fetcher.submit(
      { code, packetId: state.current.packetId ?? "", lastClaimId: state.current.lastClaimId ?? "", seq: String(seq.current) },
      { method: "post" },
    );
  }, [fetcher]);

  useEffect(() => {
    const r = fetcher.data;
    if (fetcher.state !== "idle" || !r || r.seq === handled.current) {
      if (fetcher.state === "idle") sendNext();
      return;
    }
    handled.current = r.seq;
    beep(r.ok);
    setShown(r);
    setHistory((h) => [r, ...h].slice(0, 12));
    const open = r.packet && r.packet.status === "RECEIVING" ? r.packet : null;
    state.current = { packetId: open?.id ?? null, lastClaimId: r.lastClaimId };
    setPacket(r.packet);
    if (r.lastClaimId) setLastClaim({ id: r.lastClaimId, number: r.claimId === r.lastClaimId ? (r.claimNumber ?? "") : (lastClaim?.number ?? "") });
    else if (!open) setLastClaim(null);
    window.history.replaceState(null, "", open ? `/archive/arrivals?packet=${open.id}` : "/archive/arrivals");
    focus();
    sendNext();
  }, [fetcher.state, fetcher.data, beep, focus, sendNext, lastClaim]);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const value = input.current?.value ?? "";
    if (input.current) input.current.value = "";
    // "DIFF": the last ticked claim's original differs from its image (that page is the archive's).
    if (value.trim().toUpperCase() === "DIFF" && lastClaim) {
      navigate(`/archive/originals/${lastClaim.id}`);
      return;
    }
    queue.current.push(value);
    sendNext();
    focus();
  };

  const lang = i18n.language;
  const verdictText = (r: Shown) =>
    t(`verdict.${r.verdict}`, {
      ...r.details,
      claimNumber: r.claimNumber ?? "",
      code: String(r.details.code ?? r.packet?.code ?? ""),
      text: String(r.details.text ?? r.raw),
      receipts: receiptsText(r.details.receipts),
    });
  const open = packet && packet.status === "RECEIVING" ? packet : null;
  return (
    <>
      <div className="page-head">
        <h1>{t("desk.title")}</h1>
      </div>
      <ArchiveNav roles={data.user.roles} />
      <form onSubmit={onSubmit} autoComplete="off" data-testid="desk-form">
        <label htmlFor="desk-code" className="visually-hidden">
          {t("desk.input")}
        </label>
        <input
          id="desk-code"
          ref={input}
          className="desk-input"
          name="code"
          autoFocus
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          placeholder={t("desk.input")}
          onBlur={focus}
          data-testid="desk-input"
        />
        <p className="desk-hint" data-testid="desk-hint">
          {open ? t("desk.hintOpen") : t("desk.hintPacket")}
        </p>
      </form>

      <div
        className={`desk-verdict ${shown ? (shown.ok ? "ok" : "problem") : "idle"} flash`}
        key={shown?.seq ?? 0}
        role="status"
        aria-live="assertive"
        data-testid="desk-verdict"
        data-verdict={shown?.verdict ?? ""}
        data-ok={shown ? String(shown.ok) : ""}
      >
        <span className="mark" aria-hidden="true">
          {shown ? (shown.ok ? "✓" : "✗") : "…"}
        </span>
        <div>
          <div className="words">{shown ? verdictText(shown) : open ? t("desk.expectedReceived", { expected: open.expected, received: open.received }) : t("desk.noPacket")}</div>
          {shown ? <div className="raw">{shown.raw}</div> : null}
        </div>
      </div>

      {shown?.closed && packet ? (
        <section className="card" style={{ marginTop: "1rem" }} data-testid="desk-closed">
          <h2>{t("desk.closedTitle", { code: packet.code })}</h2>
          {shown.closed.missing.length + shown.closed.extra.length + shown.closed.receipts.length === 0 ? <p>{t("desk.closedClean")}</p> : null}
          {shown.closed.missing.length ? <p className="form-error">{t("desk.closedMissing", { list: shown.closed.missing.join(", ") })}</p> : null}
          {shown.closed.receipts.length ? (
            <p className="form-error">{t("desk.closedReceipts", { list: shown.closed.receipts.map((r) => `${r.claimNumber} (${receiptsText(r.missing)})`).join("; ") })}</p>
          ) : null}
          {shown.closed.extra.length ? <p className="form-error">{t("desk.closedExtra", { list: shown.closed.extra.join(", ") })}</p> : null}
          {shown.closed.resendDueOn ? <p>{t("desk.closedResend", { date: formatCalendarDate(shown.closed.resendDueOn, lang) })}</p> : null}
          <p>
            <Link to={`/archive/packets/${packet.id}`}>{packet.code}</Link>
          </p>
        </section>
      ) : null}

      <div className="desk-grid">
        <section className="card" aria-labelledby="desk-packet" data-testid="desk-packet">
          {packet ? (
            <>
              <h2 id="desk-packet">
                <code>{packet.code}</code> <span className={`badge packet-${packet.status}`}>{t(`status.${packet.status}`)}</span>
              </h2>
              <p className="muted">
                {packet.company.code} · {localName(packet.company, lang)}
                {packet.origin ? ` · ${packet.origin}` : ""}
              </p>
              <p className="desk-count" data-testid="desk-count">
                {t("desk.expectedReceived", { expected: packet.expected, received: packet.received })}
              </p>
              <ul className="desk-items">
                {packet.items.map((i) => {
                  const cls = !i.onManifest ? "extra" : i.received ? "received" : "waiting";
                  return (
                    <li key={i.claimId} className={cls} data-testid={`desk-item-${i.claimNumber}`} data-state={cls}>
                      <span className="tick" aria-hidden="true">
                        {i.received ? (i.onManifest ? "✓" : "!") : "○"}
                      </span>
                      <code>{i.claimNumber}</code>
                      <span>{i.claimant}</span>
                      <span className="muted">
                        {!i.onManifest ? t("desk.extra") : i.received ? t("desk.ticked") : t("desk.waiting")} · {i.receiptCount > 1 ? `R1–R${i.receiptCount}` : i.receiptCount === 1 ? "R1" : "—"}
                        {i.missingReceipts.length ? ` · ${t("desk.missingReceipts", { receipts: receiptsText(i.missingReceipts) })}` : ""}
                      </span>
                      {lastClaim?.id === i.claimId ? (
                        <Link to={`/archive/originals/${i.claimId}`} className="button button-small" aria-keyshortcuts="D I F F" data-testid="differs-link">
                          {t("desk.differs")}
                        </Link>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </>
          ) : (
            <p className="empty" id="desk-packet">
              {t("desk.noPacket")}
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="desk-history">
          <h2 id="desk-history">{t("desk.history")}</h2>
          {lastClaim && open ? <p className="muted">{t("desk.differsHint", { claimNumber: lastClaim.number })} — <kbd>DIFF</kbd></p> : null}
          <ol className="desk-history" data-testid="desk-history">
            {history.map((h) => (
              <li key={h.seq} className={h.ok ? "ok" : "problem"}>
                {h.ok ? "✓" : "✗"} {verdictText(h)}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
