import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { PayTabs } from "~/components/pay-nav";
import { RouteError } from "~/components/route-error";
import { formatMoney } from "~/domain/money";
import { BANDS, firstEditableDate, PAID_TASK_TYPES, pointsToString, SEVERITIES } from "~/domain/piece-rate";
import { closedMonths, deleteRate, listRates, PayError, saveRate, type RateKind } from "~/models/pay.server";
import { hasRole, requireUser } from "~/utils/auth.server";
import { formatCalendarDate } from "~/utils/format";

export const meta: MetaFunction = () => [{ title: "Piece rates · Accounting Factory" }];

/** ADMIN edits; SUPERVISOR reads. */
async function requireViewer(request: Request) {
  const user = await requireUser(request);
  const canEdit = hasRole(user, "ADMIN");
  if (!canEdit && !hasRole(user, "SUPERVISOR")) throw new Response("Forbidden", { status: 403 });
  return { user, canEdit };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { canEdit } = await requireViewer(request);
  const [rates, closed] = await Promise.all([listRates(), closedMonths()]);
  return { rates, canEdit, firstEditable: firstEditableDate(closed), lastClosed: closed.at(-1) ?? null };
}

const KINDS: readonly RateKind[] = ["piece", "deduction", "pointValue"];
type ActionData = { kind: RateKind; ok: boolean; deleted?: boolean; fieldErrors?: Record<string, string>; error?: string };

export async function action({ request }: ActionFunctionArgs): Promise<ActionData> {
  const { user, canEdit } = await requireViewer(request);
  if (!canEdit) throw new Response("Forbidden", { status: 403 });
  const form = await request.formData();
  const kind = String(form.get("kind")) as RateKind;
  if (!KINDS.includes(kind)) throw new Response("Bad request", { status: 400 });
  const intent = form.get("intent");
  const id = String(form.get("id") ?? "") || null;
  try {
    if (intent === "delete" && id) {
      await deleteRate({ actorId: user.id, kind, id });
      return { kind, ok: true, deleted: true };
    }
    if (intent !== "save") throw new Response("Bad request", { status: 400 });
    const input = Object.fromEntries([...form.entries()].filter(([k]) => !["intent", "kind", "id"].includes(k)).map(([k, v]) => [k, String(v)]));
    await saveRate({ actorId: user.id, kind, id, input });
    return { kind, ok: true };
  } catch (err) {
    if (err instanceof PayError) return { kind, ok: false, fieldErrors: err.fieldErrors, error: err.code };
    throw err;
  }
}

function FieldError({ errors, name, t }: { errors?: Record<string, string>; name: string; t: TFunction }) {
  const code = errors?.[name];
  if (!code) return null;
  return <p className="field-error" role="alert" data-testid={`error-${name}`}>{t(`rates.errors.${code}`, { defaultValue: code })}</p>;
}

function DeleteButton({ kind, id, t, busy }: { kind: RateKind; id: string; t: TFunction; busy: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" name="intent" value="delete" className="button button-small button-danger" disabled={busy}>{t("rates.delete")}</button>
    </Form>
  );
}

export default function Rates() {
  const { rates, canEdit, firstEditable, lastClosed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { t, i18n } = useTranslation("pay");
  const locale = i18n.language;
  const date = (d: string) => formatCalendarDate(d, locale);
  const locked = (d: string) => firstEditable !== null && d < firstEditable;
  const errorsFor = (kind: RateKind) => (result && !result.ok && result.kind === kind ? result.fieldErrors : undefined);
  const formKey = (kind: RateKind) => `${kind}-${result?.kind === kind && result.ok ? "saved" : "open"}-${navigation.state}`;
  const dateHint = firstEditable ? t("rates.fromHint", { date: date(firstEditable) }) : null;

  return (
    <>
      <div className="page-head"><h1>{t("rates.title")}</h1></div>
      <PayTabs showRates showScorecards />
      <p className="muted">{t(canEdit ? "rates.intro" : "rates.readOnly")}</p>
      {lastClosed ? <p className="notice small">{t("rates.lockedUntil", { month: lastClosed })}</p> : null}
      {result?.ok ? <p className="notice" role="status">{result.deleted ? t("rates.deleted") : t("rates.saved")}</p> : null}
      {result && !result.ok && Object.keys(result.fieldErrors ?? {}).length === 0 ? <p className="form-error" role="alert">{t(`rates.errors.${result.error ?? "invalid"}`)}</p> : null}

      <section className="card">
        <h2>{t("rates.pieceTitle")}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="piece-rates">
            <thead><tr><th>{t("cols.taskType")}</th><th>{t("cols.band")}</th><th className="num">{t("rates.pointsPerPiece")}</th><th>{t("rates.validFrom")}</th>{canEdit ? <th><span className="visually-hidden">{t("rates.actions")}</span></th> : null}</tr></thead>
            <tbody>
              {rates.pieceRates.length === 0 ? <tr><td colSpan={5} className="empty">{t("rates.none")}</td></tr> : null}
              {rates.pieceRates.map((r) => (
                <tr key={r.id}>
                  <td data-label={t("cols.taskType")}>{t(`taskType.${r.taskType}`, { defaultValue: r.taskType })}</td>
                  <td data-label={t("cols.band")}>{r.band}</td>
                  <td className="num" data-label={t("rates.pointsPerPiece")}>{pointsToString(r.pointsHundredths)}</td>
                  <td data-label={t("rates.validFrom")}>{date(r.validFrom)}</td>
                  {canEdit ? <td>{locked(r.validFrom) ? <span className="muted small">{t("rates.locked")}</span> : <DeleteButton kind="piece" id={r.id} t={t} busy={busy} />}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <Form method="post" className="row" key={formKey("piece")} style={{ marginTop: "1rem" }} data-testid="piece-form">
            <input type="hidden" name="kind" value="piece" />
            <label className="field">
              <span>{t("cols.taskType")}</span>
              <select name="taskType" defaultValue="REVIEW">{PAID_TASK_TYPES.map((x) => <option key={x} value={x}>{t(`taskType.${x}`)}</option>)}</select>
              <FieldError errors={errorsFor("piece")} name="taskType" t={t} />
            </label>
            <label className="field">
              <span>{t("cols.band")}</span>
              <select name="band" defaultValue="S">{BANDS.map((b) => <option key={b} value={b}>{b}</option>)}</select>
              <FieldError errors={errorsFor("piece")} name="band" t={t} />
            </label>
            <label className="field">
              <span>{t("rates.pointsPerPiece")}</span>
              <input name="points" inputMode="decimal" placeholder="1.50" required size={8} />
              <FieldError errors={errorsFor("piece")} name="points" t={t} />
            </label>
            <label className="field">
              <span>{t("rates.validFrom")}</span>
              <input name="validFrom" type="date" min={firstEditable ?? undefined} required />
              <FieldError errors={errorsFor("piece")} name="validFrom" t={t} />
            </label>
            <button type="submit" name="intent" value="save" className="button button-primary" disabled={busy}>{t("rates.add")}</button>
          </Form>
        ) : null}
        {canEdit && dateHint ? <p className="muted small">{dateHint}</p> : null}
      </section>

      <section className="card">
        <h2>{t("rates.deductionTitle")}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="deductions">
            <thead><tr><th>{t("cols.severity")}</th><th className="num">{t("rates.pointsPerError")}</th><th>{t("rates.validFrom")}</th>{canEdit ? <th><span className="visually-hidden">{t("rates.actions")}</span></th> : null}</tr></thead>
            <tbody>
              {rates.deductions.length === 0 ? <tr><td colSpan={4} className="empty">{t("rates.none")}</td></tr> : null}
              {rates.deductions.map((d) => (
                <tr key={d.id}>
                  <td data-label={t("cols.severity")}>{t(`severity.${d.severity}`, { defaultValue: d.severity })}</td>
                  <td className="num" data-label={t("rates.pointsPerError")}>{pointsToString(d.pointsHundredths)}</td>
                  <td data-label={t("rates.validFrom")}>{date(d.validFrom)}</td>
                  {canEdit ? <td>{locked(d.validFrom) ? <span className="muted small">{t("rates.locked")}</span> : <DeleteButton kind="deduction" id={d.id} t={t} busy={busy} />}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <Form method="post" className="row" key={formKey("deduction")} style={{ marginTop: "1rem" }}>
            <input type="hidden" name="kind" value="deduction" />
            <label className="field">
              <span>{t("cols.severity")}</span>
              <select name="severity" defaultValue="minor">{SEVERITIES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}</select>
              <FieldError errors={errorsFor("deduction")} name="severity" t={t} />
            </label>
            <label className="field">
              <span>{t("rates.pointsPerError")}</span>
              <input name="points" inputMode="decimal" placeholder="3.00" required size={8} />
              <FieldError errors={errorsFor("deduction")} name="points" t={t} />
            </label>
            <label className="field">
              <span>{t("rates.validFrom")}</span>
              <input name="validFrom" type="date" min={firstEditable ?? undefined} required />
              <FieldError errors={errorsFor("deduction")} name="validFrom" t={t} />
            </label>
            <button type="submit" name="intent" value="save" className="button button-primary" disabled={busy}>{t("rates.add")}</button>
          </Form>
        ) : null}
      </section>

      <section className="card">
        <h2>{t("rates.pointValueTitle")}</h2>
        <div className="table-wrap">
          <table className="data responsive" data-testid="point-values">
            <thead><tr><th className="num">{t("rates.perPoint")}</th><th>{t("rates.validFrom")}</th>{canEdit ? <th><span className="visually-hidden">{t("rates.actions")}</span></th> : null}</tr></thead>
            <tbody>
              {rates.pointValues.length === 0 ? <tr><td colSpan={3} className="empty">{t("rates.none")}</td></tr> : null}
              {rates.pointValues.map((p) => (
                <tr key={p.id}>
                  <td className="num" data-label={t("rates.perPoint")}>{formatMoney({ minor: BigInt(p.minorPerPoint), currency: p.currency }, locale)}</td>
                  <td data-label={t("rates.validFrom")}>{date(p.validFrom)}</td>
                  {canEdit ? <td>{locked(p.validFrom) ? <span className="muted small">{t("rates.locked")}</span> : <DeleteButton kind="pointValue" id={p.id} t={t} busy={busy} />}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <Form method="post" className="row" key={formKey("pointValue")} style={{ marginTop: "1rem" }}>
            <input type="hidden" name="kind" value="pointValue" />
            <label className="field">
              <span>{t("rates.perPoint")}</span>
              <input name="amount" inputMode="decimal" placeholder="2.50" required size={8} />
              <FieldError errors={errorsFor("pointValue")} name="amount" t={t} />
            </label>
            <label className="field">
              <span>{t("rates.currency")}</span>
              <input name="currency" defaultValue="CNY" maxLength={3} size={4} required />
              <FieldError errors={errorsFor("pointValue")} name="currency" t={t} />
            </label>
            <label className="field">
              <span>{t("rates.validFrom")}</span>
              <input name="validFrom" type="date" min={firstEditable ?? undefined} required />
              <FieldError errors={errorsFor("pointValue")} name="validFrom" t={t} />
            </label>
            <button type="submit" name="intent" value="save" className="button button-primary" disabled={busy}>{t("rates.add")}</button>
          </Form>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
