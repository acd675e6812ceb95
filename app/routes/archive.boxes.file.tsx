import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { localCompany } from "~/components/archive-boxes-text";
import { RouteError } from "~/components/route-error";
import { AppError } from "~/domain/app-error";
import { readScan } from "~/domain/paper-trail";
import { fileOriginal, findBoxByLabel, getBox, type FilingResult } from "~/models/archive-boxes.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { localName } from "~/utils/format";
import { ARCHIVE_WORKERS } from "~/domain/archive-roles";

export const meta: MetaFunction = () => [{ title: "Filing station · Accounting Factory" }];

/** ARCHIVIST or ADMIN: the box chosen (?box=, one of their companies' boxes; another's is 404) and its last positions. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_WORKERS);
  const boxId = new URL(request.url).searchParams.get("box");
  try {
    const box = boxId ? await getBox(user, boxId) : null;
    if (boxId && !box) throw new Response("Not found", { status: 404 });
    return {
      user: { roles: user.roles },
      box: box
        ? {
            id: box.id,
            label: box.label,
            status: box.status,
            company: box.company,
            year: box.year,
            docType: box.docType,
            capacity: box.capacity,
            filled: box.filled,
            location: box.location,
            recent: box.contents.slice(-8).reverse().map((c) => ({ position: c.positionLabel, claimNumber: c.claimNumber, claimant: c.claimant })),
          }
        : null,
    };
  } catch (err) {
    throwAsResponse(err);
  }
}

type StationReply = { at: number; text: string } & ({ kind: "filed"; result: Extract<FilingResult, { ok: true }> } | { kind: "refused"; result: Extract<FilingResult, { ok: false }> } | { kind: "no_box" } | { kind: "box_not_found" });

/**
 * One scan: a box label chooses the box (redirect to ?box=); a cover sheet code files the original into the
 * chosen box (fileOriginal: its refusals come back to the station). ARCHIVIST or ADMIN, their companies only.
 */
export async function action({ request }: ActionFunctionArgs): Promise<StationReply | Response> {
  const user = await requireRole(request, ...ARCHIVE_WORKERS);
  const form = await request.formData();
  const text = String(form.get("code") ?? "").slice(0, 200);
  const boxId = String(form.get("boxId") ?? "");
  const at = Date.now();
  const scan = readScan(text);
  try {
    if (scan.kind === "cover_sheet") {
      if (!boxId) return { at, text, kind: "no_box" };
      const result = await fileOriginal(user, { boxId, code: text });
      return result.ok ? { at, text, kind: "filed", result } : { at, text, kind: "refused", result };
    }
    const box = await findBoxByLabel(user, text);
    if (box) return redirect(`/archive/boxes/file?box=${box.id}&chosen=1`);
    if (!boxId) return { at, text, kind: "box_not_found" };
    const result = await fileOriginal(user, { boxId, code: text });
    return { at, text, kind: "refused", result: result as Extract<FilingResult, { ok: false }> };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") throw new Response("Not found", { status: 404 });
    throw err;
  }
}

/** A short tone: high for filed, low for refused (the station is worked by ear as much as by eye). */
function beep(ok: boolean) {
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = ok ? 1320 : 220;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + (ok ? 0.12 : 0.35));
    osc.onended = () => void ctx.close();
  } catch {
    // No sound is no reason to fail the scan.
  }
}

export default function FilingStation() {
  const { user, box } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { t, i18n } = useTranslation("archiveBoxes");
  const lang = i18n.language;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const input = useRef<HTMLInputElement>(null);
  const busy = navigation.state !== "idle";

  // The input keeps the focus and is emptied after each scan, like a desk scanner expects.
  useEffect(() => {
    if (navigation.state === "idle" && input.current) {
      input.current.value = "";
      input.current.focus();
    }
  }, [navigation.state, reply, box?.id]);
  useEffect(() => {
    if (reply) beep(reply.kind === "filed");
  }, [reply]);

  let message: { ok: boolean; text: string } | null = null;
  if (reply?.kind === "filed") message = { ok: true, text: t("station.filed", { number: reply.result.claimNumber, position: reply.result.positionLabel }) };
  else if (reply?.kind === "no_box") message = { ok: false, text: t("station.chooseBox") };
  else if (reply?.kind === "box_not_found") message = { ok: false, text: t("station.boxNotFound", { text: reply.text }) };
  else if (reply?.kind === "refused") {
    const r = reply.result.refusal;
    const values: Record<string, unknown> = { ...r, number: reply.result.claimNumber ?? "", text: reply.text };
    if (r.code === "not_received") values.status = t(`paperStatus.${r.status}`);
    if (r.code === "wrong_type") values.docType = t(`docTypeShort.${r.docType}`, { defaultValue: r.docType });
    message = { ok: false, text: t(`refusal.${r.code}`, values) };
  } else if (params.get("chosen") && box) message = { ok: true, text: t("station.boxChosen", { label: box.label }) };

  const left = box ? box.capacity - box.filled : 0;
  return (
    <>
      <div className="page-head">
        <h1>{t("station.title")}</h1>
      </div>
      <ArchiveNav roles={user.roles} />
      <p className="muted">{t("station.intro")}</p>
      <section className="card">
        <Form method="post" className="row" data-testid="station-form" replace>
          <input type="hidden" name="boxId" value={box?.id ?? ""} />
          <label className="field" style={{ flex: "1 1 20rem" }}>
            <span>{t("station.scanLabel")}</span>
            <input
              ref={input}
              name="code"
              autoFocus
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              className="mono"
              style={{ fontSize: "1.4rem", padding: "0.6rem 0.8rem" }}
              placeholder={t("station.scanPlaceholder")}
              data-testid="station-input"
              readOnly={busy}
            />
          </label>
        </Form>
        {message ? (
          <p
            role={message.ok ? "status" : "alert"}
            data-testid="station-result"
            data-ok={message.ok ? "true" : "false"}
            style={{
              marginTop: "1rem",
              padding: "1rem 1.2rem",
              fontSize: "1.35rem",
              fontWeight: 700,
              borderRadius: 8,
              background: message.ok ? "var(--ok-bg)" : "var(--danger-bg)",
              color: message.ok ? "var(--ok)" : "var(--danger)",
              border: `2px solid ${message.ok ? "var(--ok)" : "var(--danger)"}`,
            }}
          >
            {message.ok ? "✔ " : "✖ "}
            {message.text}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="station-box">
        {box ? (
          <>
            <h2 id="station-box">
              {t("station.currentBox")}{" "}
              <Link to={`/archive/boxes/${box.id}`} className="mono" data-testid="station-box">
                {box.label}
              </Link>{" "}
              <span className={`badge ${box.status === "OPEN" ? "badge-READY" : ""}`}>{t(`status.${box.status}`)}</span>
            </h2>
            <p className="muted">
              {localCompany(box.company, lang)} · {box.year} · {t(`docTypeShort.${box.docType}`)} · {box.location.code} {localName(box.location, lang)} · {t("station.room", { left })}
            </p>
            <p className="muted">{t("station.change")}</p>
            {box.recent.length > 0 ? (
              <>
                <h3>{t("station.recent")}</h3>
                <div className="table-wrap">
                  <table className="data responsive" data-testid="station-recent">
                    <thead>
                      <tr>
                        <th scope="col">{t("box.position")}</th>
                        <th scope="col">{t("box.claim")}</th>
                        <th scope="col">{t("box.claimant")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {box.recent.map((r) => (
                        <tr key={r.position}>
                          <td data-label={t("box.position")} className="mono">
                            {r.position}
                          </td>
                          <td data-label={t("box.claim")} className="mono">
                            {r.claimNumber}
                          </td>
                          <td data-label={t("box.claimant")}>{r.claimant}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : (
              <p className="empty">{t("box.emptyContents")}</p>
            )}
          </>
        ) : (
          <p className="empty" id="station-box">
            {t("station.chooseBox")}
          </p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
