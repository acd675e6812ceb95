import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { ClaimFormOptions } from "~/contracts/claim";
import type { BudgetExceededCell } from "~/domain/claim-input";
import { formatMoney } from "~/domain/money";
import { localName } from "~/utils/format";

/** The hard stop's refusal on the claim form: per budget cell, its budget, what is used, this claim and the limit. */
export function BudgetRefusal({ cells, options }: { cells: BudgetExceededCell[]; options: ClaimFormOptions }) {
  const { t, i18n } = useTranslation("budgets");
  const lang = i18n.language;
  const box = useRef<HTMLDivElement>(null);
  // The refusal sits above the form; the submit button is far below it on a long claim: bring it into view.
  useEffect(() => {
    box.current?.scrollIntoView({ block: "start" });
  }, [cells]);
  const departments = new Map(options.companies.flatMap((c) => c.departments.map((d) => [d.id, d] as const)));
  const categories = new Map(options.categories.map((c) => [c.code, c]));
  return (
    <div ref={box} className="form-error budget-refusal" role="alert" data-testid="budget-exceeded">
      <strong>{t("claimForm.exceededTitle")}</strong>
      <div>{t("claimForm.exceededIntro")}</div>
      <ul>
        {cells.map((c) => {
          const money = (minor: string) => formatMoney({ minor: BigInt(minor), currency: c.currency }, lang);
          const department = departments.get(c.departmentId);
          const category = c.categoryCode ? categories.get(c.categoryCode) : undefined;
          const where = [department ? localName(department, lang) : "", c.period, category ? localName(category, lang) : t("overview.allCategories")].filter(Boolean).join(" · ");
          const used = (BigInt(c.consumedMinor) + BigInt(c.reservedMinor)).toString();
          return (
            <li key={c.cellId} data-testid="budget-exceeded-cell">
              <strong>{where}</strong>
              {t("claimForm.cellNumbers", { budget: money(c.budgetMinor), used: money(used), requested: money(c.requestedMinor), limit: money(c.limitMinor) })}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
