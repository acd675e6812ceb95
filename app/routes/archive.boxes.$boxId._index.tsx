import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ArchiveNav } from "~/components/archive-nav";
import { errorText, localCompany } from "~/components/archive-boxes-text";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { formatMoney } from "~/domain/money";
import { closeBox, getBox, listLocations, moveBox } from "~/models/archive-boxes.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatDate, formatDateTime, localName } from "~/utils/format";
import { ARCHIVE_STAFF, ARCHIVE_WORKERS } from "~/domain/archive-roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.box.label ?? ""} · Accounting Factory` }];

/** One box of the viewer's companies (getBox: another company's box is 404) with its contents and movement log. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_STAFF);
  try {
    const box = await getBox(user, params.boxId ?? "");
    if (!box) throw new Response("Not found", { status: 404 });
    const locations = await listLocations(user);
    return { user: { roles: user.roles, timeZone: user.timeZone }, box, locations, canChange: hasRole(user, ...ARCHIVE_WORKERS) };
  } catch (err) {
    throwAsResponse(err);
  }
}

/** ARCHIVIST or ADMIN closes or moves the box (the model locks it and answers not_found for another company's box). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, ...ARCHIVE_WORKERS);
  const boxId = params.boxId ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "close") {
      await closeBox(user, boxId);
      return redirect(`/archive/boxes/${boxId}?done=closed`);
    }
    if (intent === "move") {
      await moveBox(user, { boxId, toLocationId: String(form.get("toLocationId") ?? ""), note: String(form.get("note") ?? "") });
      return redirect(`/archive/boxes/${boxId}?done=moved`);
    }
    return { error: "invalid", fieldErrors: {} as Record<string, string> };
  } catch (err) {
    if (err instanceof AppError) {
      if (err.code === "not_found") throw new Response("Not found", { status: 404 });
      return { error: err.reason ?? err.code, fieldErrors: err.fieldErrors };
    }
    throw err;
  }
}

export default function ArchiveBox() {
  const { user, box, locations, canChange } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation("archiveBoxes");
  const lang = i18n.language;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const done = params.get("done");
  const created = params.get("created");
  return (
    <>
      <div className="page-head">
        <h1>
          <span className="mono" data-testid="box-label">
            {box.label}
          </span>{" "}
          <span className={`badge ${box.status === "OPEN" ? "badge-READY" : ""}`}>{t(`status.${box.status}`)}</span>
        </h1>
        <div className="row">
          <a href={`/archive/boxes/${box.id}/label`} className="button" target="_blank" rel="noopener" data-testid="print-label">
            {t("box.printLabel")}
          </a>
          <a href={`/archive/boxes/${box.id}/contents`} className="button" target="_blank" rel="noopener" data-testid="print-contents">
            {t("box.printContents")}
          </a>
          {canChange && box.status === "OPEN" ? (
            <Link to={`/archive/boxes/file?box=${box.id}`} className="button button-primary">
              {t("box.fileHere")}
            </Link>
          ) : null}
        </div>
      </div>
      <ArchiveNav roles={user.roles} />
      {created ? (
        <p className="notice" role="status">
          {t("create.created", { label: created })}
        </p>
      ) : null}
      {done === "closed" ? (
        <p className="notice" role="status">
          {t("box.closed")}
        </p>
      ) : null}
      {done === "moved" ? (
        <p className="notice" role="status">
          {t("box.moved")}
        </p>
      ) : null}
      {result?.error ? (
        <p className="form-error" role="alert" data-testid="box-error">
          {errorText(t, Object.values(result.fieldErrors ?? {})[0] ?? result.error)}
        </p>
      ) : null}

      <section className="card">
        <dl className="facts">
          <div>
            <dt>{t("field.company")}</dt>
            <dd>{localCompany(box.company, lang)}</dd>
          </div>
          <div>
            <dt>{t("field.year")}</dt>
            <dd>{box.year}</dd>
          </div>
          <div>
            <dt>{t("field.docType")}</dt>
            <dd>{t(`docType.${box.docType}`)}</dd>
          </div>
          <div>
            <dt>{t("field.location")}</dt>
            <dd data-testid="box-location">
              {box.location.code} {localName(box.location, lang)} <span className="muted">({t(`kind.${box.location.kind}`)})</span>
            </dd>
          </div>
          <div>
            <dt>{t("field.filled")}</dt>
            <dd>{t("list.fillOf", { filled: box.filled, capacity: box.capacity })}</dd>
          </div>
          <div>
            <dt>{t("box.dateRange")}</dt>
            <dd>{box.dateRange ? `${formatDate(box.dateRange.from, lang, user.timeZone)} – ${formatDate(box.dateRange.to, lang, user.timeZone)}` : "—"}</dd>
          </div>
        </dl>
        {canChange ? (
          <div className="row" style={{ marginTop: "1rem" }}>
            <Form method="post" className="row" data-testid="move-box">
              <input type="hidden" name="intent" value="move" />
              <label className="field">
                <span>{t("box.move")}</span>
                <select name="toLocationId" defaultValue={locations.find((l) => l.id !== box.location.id)?.id}>
                  {locations.map((l) => (
                    <option key={l.id} value={l.id} disabled={l.id === box.location.id}>
                      {l.code} {localName(l, lang)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>{t("field.note")}</span>
                <input name="note" maxLength={500} />
              </label>
              <button type="submit" className="button" disabled={navigation.state === "submitting"}>
                {t("box.moveSubmit")}
              </button>
            </Form>
            {box.status === "OPEN" ? (
              <Form
                method="post"
                onSubmit={(e) => {
                  if (!window.confirm(t("box.closeConfirm", { label: box.label }))) e.preventDefault();
                }}
              >
                <input type="hidden" name="intent" value="close" />
                <button type="submit" className="button button-danger" data-testid="close-box" disabled={navigation.state === "submitting"}>
                  {t("box.close")}
                </button>
              </Form>
            ) : null}
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="contents-title">
        <h2 id="contents-title">{t("box.contents")}</h2>
        {box.contents.length === 0 ? (
          <p className="empty">{t("box.emptyContents")}</p>
        ) : (
          <div className="table-wrap">
            <table className="data responsive" data-testid="box-contents">
              <thead>
                <tr>
                  <th scope="col">{t("box.position")}</th>
                  <th scope="col">{t("box.claim")}</th>
                  <th scope="col">{t("box.claimant")}</th>
                  <th scope="col" className="num">
                    {t("box.amount")}
                  </th>
                  <th scope="col">{t("box.received")}</th>
                </tr>
              </thead>
              <tbody>
                {box.contents.map((c) => (
                  <tr key={c.position} data-testid={`position-${c.position}`}>
                    <td data-label={t("box.position")} className="mono">
                      {c.positionLabel}
                    </td>
                    <td data-label={t("box.claim")}>
                      <Link to={`/claims/${c.claimId}`} className="mono">
                        {c.claimNumber}
                      </Link>
                    </td>
                    <td data-label={t("box.claimant")}>{c.claimant}</td>
                    <td data-label={t("box.amount")} className="num">
                      {c.totals.map((m) => formatMoney({ minor: BigInt(m.minor), currency: m.currency }, lang)).join(" + ") || "—"}
                    </td>
                    <td data-label={t("box.received")}>{c.receivedAt ? formatDate(c.receivedAt, lang, user.timeZone) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="moves-title">
        <h2 id="moves-title">{t("box.movements")}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="box-movements">
            <thead>
              <tr>
                <th scope="col">{t("box.movedAt")}</th>
                <th scope="col">{t("box.moveFrom")}</th>
                <th scope="col">{t("box.moveTo")}</th>
                <th scope="col">{t("box.movedBy")}</th>
                <th scope="col">{t("field.note")}</th>
              </tr>
            </thead>
            <tbody>
              {box.movements.map((m) => (
                <tr key={m.id}>
                  <td data-label={t("box.movedAt")}>{formatDateTime(m.movedAt, lang, user.timeZone)}</td>
                  <td data-label={t("box.moveFrom")}>{m.from ? `${m.from.code} ${localName(m.from, lang)}` : <span className="muted">{t("box.placed")}</span>}</td>
                  <td data-label={t("box.moveTo")}>
                    {m.to.code} {localName(m.to, lang)}
                  </td>
                  <td data-label={t("box.movedBy")}>{m.movedBy}</td>
                  <td data-label={t("field.note")}>{m.note || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <p>
        <Link to="/archive/boxes">← {t("box.back")}</Link>
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
