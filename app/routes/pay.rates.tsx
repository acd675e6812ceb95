import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { PayTabs } from "~/components/pay-nav";
import { RouteError } from "~/components/route-error";
import { formatMoney, minorToDecimalString } from "~/domain/money";
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
  const firstEditable = firstEditableDate(closed);
  const url = new URL(request.url);
  // ?edit=<kind>:<id> opens that row in its form (admins, rows not in a closed month).
  const [editKind, editId] = (url.searchParams.get("edit") ?? "").split(":");
  const pool = editKind === "piece" ? rates.pieceRates : editKind === "deduction" ? rates.deductions : editKind === "pointValue" ? rates.pointValues : [];
  const row = canEdit ? pool.find((r) => r.id === editId && (!firstEditable || r.validFrom >= firstEditable)) : undefined;
  const done = url.searchParams.get("done");
  return {
    rates,
    canEdit,
    firstEditable,
    lastClosed: closed.at(-1) ?? null,
    editing: row ? { kind: editKind as RateKind, row } : null,
    done: done === "saved" || done === "deleted" ? done : null,
    nonce: url.searchParams.get("n") ?? "",
  };
}

const KINDS: readonly RateKind[] = ["piece", "deduction", "pointValue"];
type ActionData = { kind: RateKind; ok: false; fieldErrors?: Record<string, string>; error?: string };

export async function action({ request }: ActionFunctionArgs): Promise<ActionData | Response> {
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
      return redirect(`/pay/rates?done=deleted&n=${Date.now()}`);
    }
    if (intent !== "save") throw new Response("Bad request", { status: 400 });
    const input = Object.fromEntries([...form.entries()].filter(([k]) => !["intent", "kind", "id"].includes(k)).map(([k, v]) => [k, String(v)]));
    await saveRate({ actorId: user.id, kind, id, input });
    return redirect(`/pay/rates?done=saved&n=${Date.now()}`);
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

function RowActions({ kind, id, t, busy }: { kind: RateKind; id: string; t: TFunction; busy: boolean }) {
  return (
    <Form method="post" className="row" style={{ gap: "0.4rem" }}>
      <Link to={`?edit=${kind}:${id}`} className="button button-small">{t("rates.edit")}</Link>
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" name="intent" value="delete" className="button button-small button-danger" disabled={busy}>{t("rates.delete")}</button>
    </Form>
  );
}

/** A labelled form field with its error underneath. */
function Field({ label, name, errors, t, children }: { label: string; name: string; errors?: Record<string, string>; t: TFunction; children: React.ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      <FieldError errors={errors} name={name} t={t} />
    </label>
  );
}

/** Add or edit one rate row: the kind's own fields, then "valid from", save and cancel. */
function RateForm({
  kind,
  editingId,
  validFrom,
  firstEditable,
  errors,
  busy,
  t,
  children,
}: {
  kind: RateKind;
  editingId: string | null;
  validFrom?: string;
  firstEditable: string | null;
  errors?: Record<string, string>;
  busy: boolean;
  t: TFunction;
  children: React.ReactNode;
}) {
  return (
    <Form method="post" className="row" style={{ marginTop: "1rem" }} data-testid={`${kind}-form`}>
      <input type="hidden" name="kind" value={kind} />
      {editingId ? <input type="hidden" name="id" value={editingId} /> : null}
      {children}
      <Field label={t("rates.validFrom")} name="validFrom" errors={errors} t={t}>
        <input name="validFrom" type="date" min={firstEditable ?? undefined} required defaultValue={validFrom} />
      </Field>
      <button type="submit" name="intent" value="save" className="button button-primary" disabled={busy}>{editingId ? t("rates.save") : t("rates.add")}</button>
      {editingId ? <Link to="/pay/rates" className="button">{t("rates.cancel")}</Link> : null}
    </Form>
  );
}

export default function Rates() {
  const { rates, canEdit, firstEditable, lastClosed, editing, done, nonce } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { t, i18n } = useTranslation("pay");
  const locale = i18n.language;
  const date = (d: string) => formatCalendarDate(d, locale);
  const locked = (d: string) => firstEditable !== null && d < firstEditable;
  const errorsFor = (kind: RateKind) => (result && result.kind === kind ? result.fieldErrors : undefined);
  // A new key only after a save or delete (or switching rows), so a refused form keeps what was typed.
  const formKey = (kind: RateKind) => `${kind}-${editing?.kind === kind ? editing.row.id : "new"}-${nonce}`;
  const edit = <K extends RateKind>(kind: K) => (editing?.kind === kind ? editing.row : null);
  const pieceEdit = edit("piece") as (typeof rates.pieceRates)[number] | null;
  const deductionEdit = edit("deduction") as (typeof rates.deductions)[number] | null;
  const pointEdit = edit("pointValue") as (typeof rates.pointValues)[number] | null;
  const dateHint = firstEditable ? t("rates.fromHint", { date: date(firstEditable) }) : null;
  const actionsCell = (kind: RateKind, row: { id: string; validFrom: string }) =>
    canEdit ? <td>{locked(row.validFrom) ? <span className="muted small">{t("rates.locked")}</span> : <RowActions kind={kind} id={row.id} t={t} busy={busy} />}</td> : null;

  return (
    <>
      <div className="page-head"><h1>{t("rates.title")}</h1></div>
      <PayTabs showRates showScorecards />
      <p className="muted">{t(canEdit ? "rates.intro" : "rates.readOnly")}</p>
      {lastClosed ? <p className="notice small">{t("rates.lockedUntil", { month: lastClosed })}</p> : null}
      {done && !result ? <p className="notice" role="status">{done === "deleted" ? t("rates.deleted") : t("rates.saved")}</p> : null}
      {result && Object.keys(result.fieldErrors ?? {}).length === 0 ? <p className="form-error" role="alert">{t(`rates.errors.${result.error ?? "invalid"}`)}</p> : null}

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
                  {actionsCell("piece", r)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <RateForm key={formKey("piece")} kind="piece" editingId={pieceEdit?.id ?? null} validFrom={pieceEdit?.validFrom} firstEditable={firstEditable} errors={errorsFor("piece")} busy={busy} t={t}>
            <Field label={t("cols.taskType")} name="taskType" errors={errorsFor("piece")} t={t}>
              <select name="taskType" defaultValue={pieceEdit?.taskType ?? "REVIEW"}>{PAID_TASK_TYPES.map((x) => <option key={x} value={x}>{t(`taskType.${x}`)}</option>)}</select>
            </Field>
            <Field label={t("cols.band")} name="band" errors={errorsFor("piece")} t={t}>
              <select name="band" defaultValue={pieceEdit?.band ?? "S"}>{BANDS.map((b) => <option key={b} value={b}>{b}</option>)}</select>
            </Field>
            <Field label={t("rates.pointsPerPiece")} name="points" errors={errorsFor("piece")} t={t}>
              <input name="points" inputMode="decimal" placeholder="1.50" required size={8} defaultValue={pieceEdit ? pointsToString(pieceEdit.pointsHundredths) : undefined} />
            </Field>
          </RateForm>
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
                  {actionsCell("deduction", d)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <RateForm key={formKey("deduction")} kind="deduction" editingId={deductionEdit?.id ?? null} validFrom={deductionEdit?.validFrom} firstEditable={firstEditable} errors={errorsFor("deduction")} busy={busy} t={t}>
            <Field label={t("cols.severity")} name="severity" errors={errorsFor("deduction")} t={t}>
              <select name="severity" defaultValue={deductionEdit?.severity ?? "minor"}>{SEVERITIES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}</select>
            </Field>
            <Field label={t("rates.pointsPerError")} name="points" errors={errorsFor("deduction")} t={t}>
              <input name="points" inputMode="decimal" placeholder="3.00" required size={8} defaultValue={deductionEdit ? pointsToString(deductionEdit.pointsHundredths) : undefined} />
            </Field>
          </RateForm>
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
                  {actionsCell("pointValue", p)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {canEdit ? (
          <RateForm key={formKey("pointValue")} kind="pointValue" editingId={pointEdit?.id ?? null} validFrom={pointEdit?.validFrom} firstEditable={firstEditable} errors={errorsFor("pointValue")} busy={busy} t={t}>
            <Field label={t("rates.perPoint")} name="amount" errors={errorsFor("pointValue")} t={t}>
              <input name="amount" inputMode="decimal" placeholder="2.50" required size={8} defaultValue={pointEdit ? minorToDecimalString(BigInt(pointEdit.minorPerPoint), pointEdit.currency) : undefined} />
            </Field>
            <Field label={t("rates.currency")} name="currency" errors={errorsFor("pointValue")} t={t}>
              <input name="currency" defaultValue={pointEdit?.currency ?? "CNY"} maxLength={3} size={4} required />
            </Field>
          </RateForm>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
