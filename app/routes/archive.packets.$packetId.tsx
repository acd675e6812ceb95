import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { RouteError } from "~/components/route-error";
import { AppError } from "~/domain/app-error";
import { addToPacket, packetDetail, removeFromPacket, sendPacket } from "~/models/paper-packets.server";
import { requireUser } from "~/utils/auth.server";
import paperStyles from "~/styles/paper.css";
import { formatCalendarDate, formatDateTime, localName } from "~/utils/format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: paperStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.packet.code ?? "Packet"} · Accounting Factory` }];

/** The packet and its manifest: its maker, or archive staff of its company (packetDetail); anyone else 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const packet = await packetDetail(user, params.packetId ?? "");
  if (!packet) throw new Response("Not found", { status: 404 });
  return { user: { roles: user.roles }, packet };
}

type ActionResult = { intent: string; ok: boolean; reason?: string; details?: Record<string, unknown>; fieldErrors?: Record<string, string> };

/** Add, remove, send: the model checks the packet is visible (404 otherwise) before anything else, and refuses what the rules forbid. */
export async function action({ request, params }: ActionFunctionArgs): Promise<ActionResult> {
  const user = await requireUser(request);
  const packetId = params.packetId ?? "";
  // Out of scope is 404 before the form is read.
  if (!(await packetDetail(user, packetId))) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "add") {
      const added = await addToPacket({ viewer: user, packetId, entry: String(form.get("entry") ?? "") });
      return { intent, ok: true, details: { claimNumber: added.claimNumber } };
    }
    if (intent === "remove") {
      await removeFromPacket({ viewer: user, packetId, claimId: String(form.get("claimId") ?? "") });
      return { intent, ok: true };
    }
    if (intent === "send") {
      await sendPacket({ viewer: user, packetId, carrier: String(form.get("carrier") ?? ""), trackingNumber: String(form.get("trackingNumber") ?? "") });
      return { intent, ok: true };
    }
    return { intent, ok: false, reason: "unknown_intent" };
  } catch (err) {
    if (err instanceof AppError && err.status !== 404) return { intent, ok: false, reason: err.reason ?? err.code, details: err.details, fieldErrors: err.fieldErrors };
    if (err instanceof AppError) throw new Response("Not found", { status: 404 });
    throw err;
  }
}

export default function PacketPage() {
  const { user, packet } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("paper");
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const entryRef = useRef<HTMLInputElement>(null);
  const addForm = useRef<HTMLFormElement>(null);
  // A scanner types and presses Enter: after each answer the field is empty and focused for the next sheet.
  useEffect(() => {
    if (result?.intent === "add" && navigation.state === "idle") {
      if (result.ok) addForm.current?.reset();
      entryRef.current?.focus();
      // A refused entry stays to be read, selected: the next scan replaces it.
      if (!result.ok) entryRef.current?.select();
    }
  }, [result, navigation.state]);
  const refusal = (r: ActionResult) => t(`refusal.${r.reason ?? "generic"}`, { ...(r.details ?? {}), status: r.details?.status ? t(`paperStatus.${String(r.details.status)}`) : "", code: r.reason, defaultValue: t("refusal.generic", { code: r.reason }) });
  const lang = i18n.language;
  const total = packet.items.reduce((n, i) => n + i.receiptCount, 0);
  return (
    <>
      <div className="page-head">
        <h1>
          <code>{packet.code}</code> <span className={`badge packet-${packet.status}`}>{t(`status.${packet.status}`)}</span>
        </h1>
        <a className="button" href={`/archive/packets/${packet.id}/manifest`} download data-testid="manifest-pdf">
          {t("detail.manifestPdf")}
        </a>
      </div>
      <ArchiveNav roles={user.roles} />
      <p>
        <Link to="/archive/packets">← {t("detail.back")}</Link>
      </p>
      <section className="card">
        <dl className="grid-2 paper-facts">
          <div>
            <dt className="muted">{t("packets.company")}</dt>
            <dd>
              {packet.company.code} · {localName(packet.company, lang)}
            </dd>
          </div>
          <div>
            <dt className="muted">{t("detail.origin")}</dt>
            <dd>{packet.origin || "—"}</dd>
          </div>
          <div>
            <dt className="muted">{t("detail.packedBy")}</dt>
            <dd>
              {packet.createdBy} · {formatDateTime(packet.createdAt, lang)}
            </dd>
          </div>
          <div>
            <dt className="muted">{t("packets.carrier")}</dt>
            <dd data-testid="packet-carrier">
              {packet.carrier ? `${packet.carrier} · ${packet.trackingNumber ?? ""}` : "—"}
              {packet.sentAt ? <div className="muted">{t("detail.sentBy")}: {packet.sentBy} · {formatDateTime(packet.sentAt, lang)}</div> : null}
            </dd>
          </div>
          {packet.receivingAt ? (
            <div>
              <dt className="muted">{t("detail.receivingAt")}</dt>
              <dd>{formatDateTime(packet.receivingAt, lang)}</dd>
            </div>
          ) : null}
          {packet.closedAt ? (
            <div>
              <dt className="muted">{t("detail.closedBy")}</dt>
              <dd>
                {packet.closedBy} · {formatDateTime(packet.closedAt, lang)}
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      {packet.canEdit ? (
        <section className="card" aria-labelledby="add-claim">
          <h2 id="add-claim">{t("detail.addTitle")}</h2>
          <p className="muted">{t("detail.addHint")}</p>
          <Form method="post" className="row" ref={addForm} data-testid="add-claim">
            <input type="hidden" name="intent" value="add" />
            <label className="field" style={{ flex: "1 1 18rem" }}>
              <span>{t("detail.entry")}</span>
              <input ref={entryRef} name="entry" autoFocus autoComplete="off" spellCheck={false} required maxLength={60} data-testid="packet-entry" />
            </label>
            <button type="submit" className="button button-primary" disabled={busy}>
              {t("detail.add")}
            </button>
          </Form>
          {result?.intent === "add" ? (
            result.ok ? (
              <p className="notice" role="status" style={{ marginTop: "0.75rem" }}>
                {t("detail.added", { claimNumber: String(result.details?.claimNumber ?? "") })}
              </p>
            ) : (
              <p className="form-error" role="alert" data-testid="add-refusal" style={{ marginTop: "0.75rem" }}>
                {refusal(result)}
              </p>
            )
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="manifest">
        <h2 id="manifest">
          {t("detail.manifest")} <span className="muted">({packet.items.length} · {t("detail.receipts")} {total})</span>
        </h2>
        {result?.intent === "remove" && !result.ok ? (
          <p className="form-error" role="alert">
            {refusal(result)}
          </p>
        ) : null}
        {packet.items.length === 0 ? (
          <p className="empty">{t("detail.emptyManifest")}</p>
        ) : (
          <div className="table-wrap flat">
            <table className="data responsive" data-testid="manifest">
              <thead>
                <tr>
                  <th scope="col">{t("detail.claimNumber")}</th>
                  <th scope="col">{t("detail.claimant")}</th>
                  <th scope="col">{t("detail.purpose")}</th>
                  <th scope="col" className="num">
                    {t("detail.receipts")}
                  </th>
                  <th scope="col">{t("detail.paper")}</th>
                  {packet.canEdit ? (
                    <th scope="col">
                      <span className="visually-hidden">{t("detail.remove")}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {packet.items.map((i) => (
                  <tr key={i.claimId} data-testid={`item-${i.claimNumber}`}>
                    <td data-label={t("detail.claimNumber")}>
                      <Link to={`/claims/${i.claimId}`}>{i.claimNumber}</Link>
                    </td>
                    <td data-label={t("detail.claimant")}>{i.claimant}</td>
                    <td data-label={t("detail.purpose")}>{i.purpose}</td>
                    <td data-label={t("detail.receipts")} className="num">
                      {i.receiptCount}
                    </td>
                    <td data-label={t("detail.paper")}>
                      <span className="badge">{t(`paperStatus.${i.paperStatus ?? "none"}`)}</span>
                      {i.received ? <span className="muted"> ✓ {t("detail.received")}</span> : null}
                      {i.missingReceipts.length ? <span className="muted"> · {t("detail.missingReceipts", { receipts: i.missingReceipts.map((n) => `R${n}`).join(", ") })}</span> : null}
                    </td>
                    {packet.canEdit ? (
                      <td>
                        <Form method="post">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="claimId" value={i.claimId} />
                          <button type="submit" className="button button-small button-danger" aria-label={t("detail.removeLabel", { claimNumber: i.claimNumber })} disabled={busy}>
                            {t("detail.remove")}
                          </button>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {packet.canEdit ? (
        <section className="card" aria-labelledby="send-packet">
          <h2 id="send-packet">{t("detail.sendTitle")}</h2>
          <p className="muted">{t("detail.sendHint")}</p>
          <Form method="post" className="row" data-testid="send-packet">
            <input type="hidden" name="intent" value="send" />
            <label className="field">
              <span>{t("packets.carrier")}</span>
              <input name="carrier" maxLength={80} aria-invalid={result?.intent === "send" && result.fieldErrors?.carrier ? true : undefined} />
              {result?.intent === "send" && result.fieldErrors?.carrier ? <p className="field-error">{t(`refusal.${result.fieldErrors.carrier}`)}</p> : null}
            </label>
            <label className="field">
              <span>{t("packets.tracking")}</span>
              <input name="trackingNumber" maxLength={80} aria-invalid={result?.intent === "send" && result.fieldErrors?.trackingNumber ? true : undefined} />
              {result?.intent === "send" && result.fieldErrors?.trackingNumber ? <p className="field-error">{t(`refusal.${result.fieldErrors.trackingNumber}`)}</p> : null}
            </label>
            <button type="submit" className="button button-primary" disabled={busy}>
              {t("detail.send")}
            </button>
          </Form>
          {result?.intent === "send" && !result.ok && !result.fieldErrors?.carrier && !result.fieldErrors?.trackingNumber ? (
            <p className="form-error" role="alert" style={{ marginTop: "0.75rem" }}>
              {refusal(result)}
            </p>
          ) : null}
        </section>
      ) : null}

      {packet.discrepancies.length > 0 ? (
        <section className="card" aria-labelledby="discrepancies">
          <h2 id="discrepancies">{t("detail.discrepancies")}</h2>
          <ul data-testid="packet-discrepancies">
            {packet.discrepancies.map((d) => (
              <li key={d.id}>
                <strong>{d.claimNumber}</strong> — {t(`discrepancyKind.${d.kind}`)}
                {d.missingReceipts.length ? ` (${d.missingReceipts.map((n) => `R${n}`).join(", ")})` : ""}
                {d.resolvedAt ? <span className="muted"> · {t("detail.resolved")}</span> : d.resendDueOn ? <span className="muted"> · {t("detail.resendBy", { date: formatCalendarDate(d.resendDueOn, lang) })}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
