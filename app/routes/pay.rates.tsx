import { getFormProps, getInputProps, getSelectProps, useForm, type FieldMetadata } from "@conform-to/react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { PayTabs } from "~/components/pay-nav";
import { RouteError } from "~/components/route-error";
import { hasRole } from "~/domain/actor";
import { formatMoney, minorToDecimalString } from "~/domain/money";
import { DeductionForm, PieceRateForm, PointValueForm, RATE_KINDS, rateFormSchema, type RateKind } from "~/domain/pay-rate-forms";
import { BANDS, firstEditableDate, PAID_TASK_TYPES, pointsToString, SEVERITIES } from "~/domain/piece-rate";
import { closedMonths } from "~/models/pay-periods.server";
import { deleteRate, listRates, saveRate } from "~/models/pay-rates.server";
import { replyWithError } from "~/utils/app-error.server";
import { requireRole } from "~/utils/auth.server";
import { formatCalendarDate } from "~/utils/format";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Piece rates · Accounting Factory" }];

export async function loader({ request }: LoaderFunctionArgs) {
  // ADMIN edits; SUPERVISOR reads.
  const user = await requireRole(request, "SUPERVISOR", "ADMIN");
  const canEdit = hasRole(user, "ADMIN");
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

/** Which row a post is about: its kind, Save (a new row or `id`) or Delete (`id`). The fields are the kind's own schema. */
const RateTarget = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), kind: z.enum(RATE_KINDS), id: z.string().optional() }),
  z.object({ intent: z.literal("delete"), kind: z.enum(RATE_KINDS), id: z.string() }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "ADMIN");
  const formData = await request.formData();
  const target = parseForm(formData, RateTarget);
  if (target.status !== "success") throw new Response("Bad request", { status: 400 });
  const { kind, id } = target.value;
  if (target.value.intent === "delete") {
    try {
      await deleteRate({ actorId: user.id, kind, id: target.value.id });
    } catch (err) {
      return replyWithError(target, err, { status: 200 });
    }
    return redirect(`/pay/rates?done=deleted&n=${Date.now()}`);
  }
  const submission = parseForm(formData, rateFormSchema(kind));
  // A refused form comes back to its own kind's form (`initialValue.kind`) with what was typed.
  if (submission.status !== "success") return submission.reply();
  try {
    await saveRate({ actorId: user.id, kind, id: id ?? null, input: submission.payload });
  } catch (err) {
    return replyWithError(submission, err, { status: 200 });
  }
  return redirect(`/pay/rates?done=saved&n=${Date.now()}`);
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
function Field({ label, field, children }: { label: string; field: FieldMetadata<string | undefined>; children: React.ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      <FieldError errors={field.errors} id={field.errorId} name={field.name} ns="pay" prefix="rates.errors" />
    </label>
  );
}

/** Add or edit one rate row: the kind's own fields, then "valid from", save and cancel. */
function RateForm({
  kind,
  formProps,
  validFrom,
  editingId,
  firstEditable,
  busy,
  t,
  children,
}: {
  kind: RateKind;
  formProps: ReturnType<typeof getFormProps>;
  validFrom: FieldMetadata<string | undefined>;
  editingId: string | null;
  firstEditable: string | null;
  busy: boolean;
  t: TFunction;
  children: React.ReactNode;
}) {
  return (
    <Form method="post" className="row" style={{ marginTop: "1rem" }} data-testid={`${kind}-form`} {...formProps}>
      <input type="hidden" name="kind" value={kind} />
      {editingId ? <input type="hidden" name="id" value={editingId} /> : null}
      {children}
      <Field label={t("rates.validFrom")} field={validFrom}>
        <input {...getInputProps(validFrom, { type: "date" })} key={validFrom.key} min={firstEditable ?? undefined} required />
      </Field>
      <button type="submit" name="intent" value="save" className="button button-primary" disabled={busy}>{editingId ? t("rates.save") : t("rates.add")}</button>
      {editingId ? <Link to="/pay/rates" className="button">{t("rates.cancel")}</Link> : null}
    </Form>
  );
}

export default function Rates() {
  const { rates, canEdit, firstEditable, lastClosed, editing, done, nonce } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const { t, i18n } = useTranslation("pay");
  const locale = i18n.language;
  const date = (d: string) => formatCalendarDate(d, locale);
  const locked = (d: string) => firstEditable !== null && d < firstEditable;
  const edit = <K extends RateKind>(kind: K) => (editing?.kind === kind ? editing.row : null);
  const pieceEdit = edit("piece") as (typeof rates.pieceRates)[number] | null;
  const deductionEdit = edit("deduction") as (typeof rates.deductions)[number] | null;
  const pointEdit = edit("pointValue") as (typeof rates.pointValues)[number] | null;
  // A new form id only after a save or delete (or switching rows): Conform then starts over from the
  // row's values, while a refused form keeps what was typed.
  const formId = (kind: RateKind) => `${kind}-${editing?.kind === kind ? editing.row.id : "new"}-${nonce}`;
  const resultFor = (kind: RateKind) => (lastResult?.initialValue?.kind === kind ? lastResult : undefined);
  const [pieceForm, piece] = useForm({
    id: formId("piece"),
    lastResult: resultFor("piece"),
    defaultValue: { taskType: pieceEdit?.taskType ?? "REVIEW", band: pieceEdit?.band ?? "S", points: pieceEdit ? pointsToString(pieceEdit.pointsHundredths) : "", validFrom: pieceEdit?.validFrom ?? "" },
    onValidate: ({ formData }) => parseForm(formData, PieceRateForm),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [deductionForm, deduction] = useForm({
    id: formId("deduction"),
    lastResult: resultFor("deduction"),
    defaultValue: { severity: deductionEdit?.severity ?? "minor", points: deductionEdit ? pointsToString(deductionEdit.pointsHundredths) : "", validFrom: deductionEdit?.validFrom ?? "" },
    onValidate: ({ formData }) => parseForm(formData, DeductionForm),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [pointForm, point] = useForm({
    id: formId("pointValue"),
    lastResult: resultFor("pointValue"),
    defaultValue: { amount: pointEdit ? minorToDecimalString(BigInt(pointEdit.minorPerPoint), pointEdit.currency) : "", currency: pointEdit?.currency ?? "CNY", validFrom: pointEdit?.validFrom ?? "" },
    onValidate: ({ formData }) => parseForm(formData, PointValueForm),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  // A refusal that names no field (a row deleted meanwhile) is shown above the tables.
  const formError = lastResult && Object.keys(lastResult.error ?? {}).every((name) => name === "") ? (lastResult.error?.[""] ?? undefined) : undefined;
  const dateHint = firstEditable ? t("rates.fromHint", { date: date(firstEditable) }) : null;
  const actionsCell = (kind: RateKind, row: { id: string; validFrom: string }) =>
    canEdit ? <td>{locked(row.validFrom) ? <span className="muted small">{t("rates.locked")}</span> : <RowActions kind={kind} id={row.id} t={t} busy={busy} />}</td> : null;

  return (
    <>
      <div className="page-head"><h1>{t("rates.title")}</h1></div>
      <PayTabs showRates showScorecards />
      <p className="muted">{t(canEdit ? "rates.intro" : "rates.readOnly")}</p>
      {lastClosed ? <p className="notice small">{t("rates.lockedUntil", { month: lastClosed })}</p> : null}
      {done && !lastResult ? <p className="notice" role="status">{done === "deleted" ? t("rates.deleted") : t("rates.saved")}</p> : null}
      <FieldError errors={formError} ns="pay" prefix="rates.errors" />

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
          <RateForm key={pieceForm.id} kind="piece" formProps={getFormProps(pieceForm)} validFrom={piece.validFrom} editingId={pieceEdit?.id ?? null} firstEditable={firstEditable} busy={busy} t={t}>
            <Field label={t("cols.taskType")} field={piece.taskType}>
              <select {...getSelectProps(piece.taskType)} key={piece.taskType.key}>{PAID_TASK_TYPES.map((x) => <option key={x} value={x}>{t(`taskType.${x}`)}</option>)}</select>
            </Field>
            <Field label={t("cols.band")} field={piece.band}>
              <select {...getSelectProps(piece.band)} key={piece.band.key}>{BANDS.map((b) => <option key={b} value={b}>{b}</option>)}</select>
            </Field>
            <Field label={t("rates.pointsPerPiece")} field={piece.points}>
              <input {...getInputProps(piece.points, { type: "text" })} key={piece.points.key} inputMode="decimal" placeholder="1.50" required size={8} />
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
          <RateForm key={deductionForm.id} kind="deduction" formProps={getFormProps(deductionForm)} validFrom={deduction.validFrom} editingId={deductionEdit?.id ?? null} firstEditable={firstEditable} busy={busy} t={t}>
            <Field label={t("cols.severity")} field={deduction.severity}>
              <select {...getSelectProps(deduction.severity)} key={deduction.severity.key}>{SEVERITIES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}</select>
            </Field>
            <Field label={t("rates.pointsPerError")} field={deduction.points}>
              <input {...getInputProps(deduction.points, { type: "text" })} key={deduction.points.key} inputMode="decimal" placeholder="3.00" required size={8} />
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
          <RateForm key={pointForm.id} kind="pointValue" formProps={getFormProps(pointForm)} validFrom={point.validFrom} editingId={pointEdit?.id ?? null} firstEditable={firstEditable} busy={busy} t={t}>
            <Field label={t("rates.perPoint")} field={point.amount}>
              <input {...getInputProps(point.amount, { type: "text" })} key={point.amount.key} inputMode="decimal" placeholder="2.50" required size={8} />
            </Field>
            <Field label={t("rates.currency")} field={point.currency}>
              <input {...getInputProps(point.currency, { type: "text" })} key={point.currency.key} maxLength={3} size={4} required />
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
