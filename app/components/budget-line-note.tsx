import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { BudgetBand } from "~/domain/budget-forms";
import { formatMoney } from "~/domain/money";

/** One line's note as /budgets/preview sends it (amounts as decimal strings). */
export type BudgetNoteJson =
  | { kind: "none" }
  | { kind: "no_rate"; currency: string }
  | {
      kind: "cell";
      cellId: string;
      period: string;
      departmentName: string;
      departmentNameZh: string;
      categoryCode: string | null;
      categoryName: string | null;
      categoryNameZh: string | null;
      currency: string;
      budgetMinor: string;
      remainingMinor: string;
      requestedMinor: string;
      band: BudgetBand;
    };

type PreviewLine = { categoryCode: string; spentOn: string; amount: string; currency: string };

/**
 * The claim form's budget notes, one per line, fetched from /budgets/preview as the lines, the company
 * or the department change (debounced). The company and department are read from the claim form itself.
 */
export function useBudgetNotes(formId: string, lines: readonly PreviewLine[]): (BudgetNoteJson | undefined)[] {
  const [notes, setNotes] = useState<BudgetNoteJson[] | undefined>(undefined);
  const [org, setOrg] = useState<{ companyId: string; departmentId: string } | null>(null);
  useEffect(() => {
    const form = document.getElementById(formId) as HTMLFormElement | null;
    if (!form) return;
    const read = () => {
      const companyId = (form.elements.namedItem("companyId") as HTMLSelectElement | null)?.value ?? "";
      const departmentId = (form.elements.namedItem("departmentId") as HTMLSelectElement | null)?.value ?? "";
      setOrg((o) => (o?.companyId === companyId && o.departmentId === departmentId ? o : { companyId, departmentId }));
    };
    read();
    form.addEventListener("change", read);
    return () => form.removeEventListener("change", read);
  }, [formId]);
  const key = JSON.stringify({ org, lines: lines.map((l) => [l.categoryCode, l.spentOn, l.amount, l.currency]) });
  useEffect(() => {
    if (!org?.companyId || !org.departmentId || lines.length === 0) return;
    const aborted = new AbortController();
    const timer = window.setTimeout(() => {
      const params = new URLSearchParams({ companyId: org.companyId, departmentId: org.departmentId, lines: JSON.stringify(lines) });
      // A plain request to the resource route, not a router fetcher: a fetcher is revalidated after every
      // action on the page, and one revalidated while its route was still being discovered (the receipt
      // upload's revalidation racing the first preview) failed as "no route matches" — the draft page was
      // replaced by a 404. A note is a hint: a failed request just shows none.
      fetch(`/budgets/preview?${params}`, { signal: aborted.signal, headers: { Accept: "application/json" } })
        .then((res) => (res.ok ? (res.json() as Promise<{ notes: BudgetNoteJson[] }>) : undefined))
        .then((body) => setNotes(body?.notes))
        .catch(() => undefined);
    }, 350);
    return () => {
      window.clearTimeout(timer);
      aborted.abort();
    };
    // `key` holds everything the request depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return lines.map((_, i) => notes?.[i]);
}

/** "Budget remaining ¥x of ¥y (Dept · 2026-12 · Category)" in the band's colour, or "No budget". */
export function BudgetLineNote({ note }: { note: BudgetNoteJson | undefined }) {
  const { t, i18n } = useTranslation("budgets");
  if (!note) return null;
  if (note.kind === "none") return <p className="budget-note" data-testid="budget-note">{t("claimForm.noBudget")}</p>;
  if (note.kind === "no_rate") return <p className="budget-note" data-testid="budget-note">{t("claimForm.noRate", { currency: note.currency })}</p>;
  const zh = i18n.language.startsWith("zh");
  const money = (minor: string) => formatMoney({ minor: BigInt(minor), currency: note.currency }, i18n.language);
  const category = note.categoryCode ? (zh ? note.categoryNameZh : note.categoryName) : t("overview.allCategories");
  const where = [zh ? note.departmentNameZh : note.departmentName, note.period, category].join(" · ");
  const bandText = note.band === "alert" ? t("claimForm.alertNote") : note.band === "approval" ? t("claimForm.approvalNote") : note.band === "stop" ? t("claimForm.stopNote") : null;
  return (
    <p className={`budget-note band-${note.band}`} data-testid="budget-note" data-band={note.band}>
      {t("claimForm.remaining", { remaining: money(note.remainingMinor), budget: money(note.budgetMinor), where })}
      {bandText ? <strong className="block">{bandText}</strong> : null}
    </p>
  );
}
