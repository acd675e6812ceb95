import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { defaultTransportMode, INVOICE_KINDS, TRANSPORT_MODES } from "~/domain/claim-input";
import { minorToDecimalString } from "~/domain/money";
import type { ClaimLineView, ClaimReceipt } from "~/contracts/claim";
import { localName } from "~/utils/format";
import { BudgetLineNote, useBudgetNotes } from "./budget-line-note";
import { FieldError } from "./field-error";
import { receiptThumbUrl } from "./receipt-panel";

type LineState = {
  key: string;
  id?: string;
  spentOn: string;
  categoryCode: string;
  merchant: string;
  amount: string;
  currency: string;
  note: string;
  receiptIds: string[];
  invoiceKind: string;
  tax: string;
  transportMode: string;
};

let keySeq = 0;
const nextKey = () => `new-${++keySeq}`;

export function toLineState(l: ClaimLineView): LineState {
  return {
    key: l.id,
    id: l.id,
    spentOn: l.spentOn,
    categoryCode: l.categoryCode,
    merchant: l.merchant,
    amount: minorToDecimalString(l.amount.minor, l.amount.currency),
    currency: l.amount.currency,
    note: l.note,
    receiptIds: l.receiptIds,
    invoiceKind: l.invoiceKind,
    tax: l.taxMinor === null ? "" : minorToDecimalString(l.taxMinor, l.amount.currency),
    transportMode: l.transportMode ?? "",
  };
}

/**
 * The claim's lines as client state; inputs are named `lines[i].field` and belong to the form `formId`,
 * whose schema (ClaimFormSchema) reads them; `errors` are that form's errors by field name.
 * Mounted with `key={version}` so a successful save starts again from the server's rows.
 */
export function LinesEditor({
  formId,
  initial,
  receipts,
  categories,
  currencies,
  defaultCurrency,
  errors,
  prefill,
}: {
  /** Issue 14: a line to open in the form, prefilled (a proposal to correct); a new `seq` adds another. */
  prefill?: { seq: number; line: Pick<LineState, "spentOn" | "categoryCode" | "merchant" | "amount" | "currency" | "receiptIds"> };
  formId: string;
  initial: ClaimLineView[];
  receipts: ClaimReceipt[];
  categories: { code: string; name: string; nameZh: string }[];
  currencies: string[];
  defaultCurrency: string;
  errors: Record<string, readonly string[] | undefined>;
}) {
  const { t, i18n } = useTranslation("claims");
  const { t: tb } = useTranslation("budgets");
  const [lines, setLines] = useState<LineState[]>(() => initial.map(toLineState));
  const notes = useBudgetNotes(formId, lines.map((l) => ({ categoryCode: l.categoryCode, spentOn: l.spentOn, amount: l.amount, currency: l.currency })));
  const update = (key: string, patch: Partial<LineState>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const addLine = () =>
    setLines((ls) => [
      ...ls,
      {
        key: nextKey(),
        spentOn: ls.at(-1)?.spentOn ?? new Date().toISOString().slice(0, 10),
        categoryCode: "",
        merchant: "",
        amount: "",
        currency: ls.at(-1)?.currency ?? defaultCurrency,
        note: "",
        invoiceKind: "NONE",
        tax: "",
        transportMode: "",
        // A lone unlinked receipt most likely belongs to the line being added.
        receiptIds: receipts.filter((r) => !ls.some((l) => l.receiptIds.includes(r.id))).slice(0, 1).map((r) => r.id),
      },
    ]);
  const listRef = useRef<HTMLOListElement>(null);
  const prefilledSeq = useRef(0);
  useEffect(() => {
    if (!prefill || prefill.seq === prefilledSeq.current) return;
    prefilledSeq.current = prefill.seq;
    setLines((ls) => [...ls, { key: nextKey(), note: "", invoiceKind: "NONE", tax: "", transportMode: "", ...prefill.line }]);
    // The new line's first field takes the focus, so the claimant corrects it right there.
    requestAnimationFrame(() => {
      const input = listRef.current?.querySelector<HTMLInputElement>("li.line-item:last-child input:not([type=hidden])");
      input?.scrollIntoView({ block: "center" });
      input?.focus();
    });
  }, [prefill]);
  const err = (i: number, field: string) => errors[`lines[${i}].${field}`];
  // "required" reads differently for the whole list and for a line's receipts than for a field.
  const renamed = (codes: readonly string[] | undefined, required: string) => codes?.map((c) => (c === "required" ? required : c));
  const fieldError = (i: number, field: string) => <FieldError errors={err(i, field)} name={`lines[${i}].${field}`} ns="claims" prefix="error" />;

  return (
    <section className="card" aria-labelledby="lines-title">
      <div className="page-head">
        <h2 id="lines-title">{t("edit.lines")}</h2>
        <button type="button" className="button" onClick={addLine} data-testid="add-line">
          + {t("edit.addLine")}
        </button>
      </div>
      <FieldError errors={renamed(errors.lines, "lines_required")} name="lines" ns="claims" prefix="error" />
      {lines.length === 0 ? <p className="muted">{t("edit.noLines")}</p> : null}
      <ol className="line-list" ref={listRef}>
        {lines.map((l, i) => (
          <li key={l.key} className="line-item" data-testid="line-item">
            {l.id ? <input type="hidden" form={formId} name={`lines[${i}].id`} value={l.id} /> : null}
            <div className="line-head">
              <strong>{t("detail.line", { n: i + 1 })}</strong>
              <button type="button" className="link-button" onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}>
                {t("edit.removeLine")}
              </button>
            </div>
            <div className="line-grid">
              <label className="field">
                <span>{t("field.spentOn")}</span>
                <input type="date" form={formId} name={`lines[${i}].spentOn`} value={l.spentOn} onChange={(e) => update(l.key, { spentOn: e.target.value })} aria-invalid={err(i, "spentOn") ? true : undefined} />
                {fieldError(i, "spentOn")}
              </label>
              <label className="field">
                <span>{t("field.category")}</span>
                <select
                  form={formId}
                  name={`lines[${i}].categoryCode`}
                  value={l.categoryCode}
                  onChange={(e) => update(l.key, { categoryCode: e.target.value, ...(l.invoiceKind === "TRANSPORT_TICKET" && !l.transportMode ? { transportMode: defaultTransportMode(e.target.value) ?? "" } : {}) })} aria-invalid={err(i, "categoryCode") ? true : undefined}>
                  <option value="">—</option>
                  {categories.map((c) => (
                    <option key={c.code} value={c.code}>{localName(c, i18n.language)}</option>
                  ))}
                </select>
                {fieldError(i, "categoryCode")}
              </label>
              <label className="field field-wide">
                <span>{t("field.merchant")}</span>
                <input form={formId} name={`lines[${i}].merchant`} value={l.merchant} maxLength={200} onChange={(e) => update(l.key, { merchant: e.target.value })} aria-invalid={err(i, "merchant") ? true : undefined} />
                {fieldError(i, "merchant")}
              </label>
              <label className="field">
                <span>{t("field.amount")}</span>
                <input inputMode="decimal" form={formId} name={`lines[${i}].amount`} value={l.amount} onChange={(e) => update(l.key, { amount: e.target.value })} className="num" aria-invalid={err(i, "amount") ? true : undefined} />
                {fieldError(i, "amount")}
              </label>
              <label className="field">
                <span>{t("field.currency")}</span>
                <select form={formId} name={`lines[${i}].currency`} value={l.currency} onChange={(e) => update(l.key, { currency: e.target.value })} aria-invalid={err(i, "currency") ? true : undefined}>
                  {currencies.map((c) => (
                    <option key={c} value={c}>{c}</option>
                  ))}
                </select>
                {fieldError(i, "currency")}
              </label>
              <label className="field field-wide">
                <span>{t("field.note")}</span>
                <input form={formId} name={`lines[${i}].note`} value={l.note} maxLength={1000} onChange={(e) => update(l.key, { note: e.target.value })} />
              </label>
              <label className="field field-invoice">
                <span>{tb("vat.invoiceKind")}</span>
                <select
                  form={formId}
                  name={`lines[${i}].invoiceKind`}
                  value={l.invoiceKind}
                  onChange={(e) => update(l.key, { invoiceKind: e.target.value, transportMode: e.target.value === "TRANSPORT_TICKET" ? l.transportMode || (defaultTransportMode(l.categoryCode) ?? "") : "" })}
                  aria-invalid={err(i, "invoiceKind") ? true : undefined}
                >
                  {INVOICE_KINDS.map((k) => (
                    <option key={k} value={k}>{tb(`vat.${k}`)}</option>
                  ))}
                </select>
                {fieldError(i, "invoiceKind")}
              </label>
              <label className="field">
                <span>{tb("vat.taxAmount")}</span>
                <input inputMode="decimal" form={formId} name={`lines[${i}].tax`} value={l.tax} onChange={(e) => update(l.key, { tax: e.target.value })} className="num" aria-invalid={err(i, "tax") ? true : undefined} />
                {fieldError(i, "tax")}
              </label>
              {l.invoiceKind === "TRANSPORT_TICKET" ? (
                <label className="field">
                  <span>{tb("vat.transportMode")}</span>
                  <select form={formId} name={`lines[${i}].transportMode`} value={l.transportMode} onChange={(e) => update(l.key, { transportMode: e.target.value })} aria-invalid={err(i, "transportMode") ? true : undefined}>
                    <option value="">—</option>
                    {TRANSPORT_MODES.map((m) => (
                      <option key={m} value={m}>{tb(`vat.${m}`)}</option>
                    ))}
                  </select>
                  {fieldError(i, "transportMode")}
                </label>
              ) : null}
            </div>
            <BudgetLineNote note={notes[i]} />
            <fieldset className="line-receipts" aria-invalid={err(i, "receipts") ? true : undefined}>
              <legend>{t("edit.linkReceipts")}</legend>
              {receipts.length === 0 ? <span className="muted small">{t("edit.noReceiptsYet")}</span> : null}
              {receipts.map((r, ri) => {
                const checked = l.receiptIds.includes(r.id);
                return (
                  <label key={r.id} className={`receipt-chip${checked ? " checked" : ""}`} title={r.fileName}>
                    <input
                      type="checkbox"
                      form={formId}
                      name={`lines[${i}].receiptIds`}
                      value={r.id}
                      checked={checked}
                      onChange={(e) =>
                        update(l.key, {
                          receiptIds: e.target.checked ? [...l.receiptIds, r.id] : l.receiptIds.filter((id) => id !== r.id),
                        })
                      }
                    />
                    {r.status === "READY" ? <img src={receiptThumbUrl(r.id)} alt="" /> : null}
                    <span>#{ri + 1}</span>
                  </label>
                );
              })}
              <FieldError errors={renamed(err(i, "receipts"), "receipts_required")} name={`lines[${i}].receipts`} ns="claims" prefix="error" />
            </fieldset>
          </li>
        ))}
      </ol>
    </section>
  );
}
