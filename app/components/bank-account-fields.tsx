import { getInputProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { FieldError } from "./field-error";

export type AccountKind = "cn" | "iban";

type Fields = Record<string, FieldMetadata<unknown> | undefined>;

/**
 * The account part of a form (an employee's account, a payer account): in mainland China the holder,
 * account number, bank and 12-digit CNAPS code; abroad the holder, IBAN and BIC. Each field shows the
 * exact problem (`bank:errors.<code>`, the codes of BankAccountSchema).
 */
export function BankAccountFields({ fields, kind, onKind }: { fields: Fields; kind: AccountKind; onKind: (kind: AccountKind) => void }) {
  const { t } = useTranslation("bank");
  const input = (name: string, opts: { inputMode?: "numeric" | "text"; placeholder?: string; autoComplete?: string } = {}) => {
    const meta = fields[name];
    if (!meta) return null;
    return (
      <label className="field" key={name}>
        <span>{t(`fields.${name}`)}</span>
        <input
          {...getInputProps(meta, { type: "text" })}
          key={meta.key}
          inputMode={opts.inputMode}
          placeholder={opts.placeholder}
          autoComplete={opts.autoComplete ?? "off"}
          spellCheck={false}
          data-testid={`field-${name}`}
        />
        <FieldError errors={meta.errors} id={meta.errorId} name={name} ns="bank" prefix="errors" />
      </label>
    );
  };
  return (
    <div className="stack">
      <fieldset className="admin-fieldset">
        <legend>{t("fields.kind")}</legend>
        <div className="admin-checks">
          {(["cn", "iban"] as const).map((k) => (
            <label key={k} className="admin-check">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => onKind(k)} data-testid={`kind-${k}`} /> {t(`kinds.${k}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid-2">
        {input("holderName", { autoComplete: "name" })}
        {kind === "cn" ? (
          <>
            {input("accountNumber", { inputMode: "numeric", placeholder: "6222 0210 0104 5678 123" })}
            {input("bankName", { placeholder: t("placeholders.bankName") })}
            {input("cnapsCode", { inputMode: "numeric", placeholder: "102290000016" })}
          </>
        ) : (
          <>
            {input("iban", { placeholder: "DE89 3704 0044 0532 0130 00" })}
            {input("bic", { placeholder: "COBADEFFXXX" })}
          </>
        )}
      </div>
    </div>
  );
}
