import { useTranslation } from "react-i18next";
import type { RetentionPeriod } from "~/domain/retention";

export function PeriodText({ period }: { period: RetentionPeriod | null }) {
  const { t } = useTranslation("retention");
  if (!period || period.kind === "permanent") return <>{t("period.permanent")}</>;
  return <>{t("period.years", { count: period.years })}</>;
}

/** What an action refused, as the page shows it (`refusalOf` on the server). */
export type Refusal = { ok: false; code: string; reason?: string; details?: Record<string, unknown>; fieldErrors?: Record<string, string> };

/** A refusal in words: the reason's message (or the code's), with the facts it carries. */
export function RefusalMessage({ refusal }: { refusal: Refusal | null | undefined }) {
  const { t } = useTranslation("retention");
  if (!refusal) return null;
  const key = refusal.reason ?? refusal.code;
  const details = refusal.details ?? {};
  const items = Array.isArray(details.items)
    ? (details.items as { claimNumber: string; problem: string }[]).map((i) => t(`request.problem.${i.problem}`, { claim: i.claimNumber })).join("; ")
    : Array.isArray(details.claimNumbers)
      ? (details.claimNumbers as string[]).join(", ")
      : "";
  const type = typeof details.type === "string" ? t(`docType.${details.type}`) : "";
  return (
    <p className="form-error" role="alert" data-testid="refusal" data-code={key}>
      {t(`errors.${key}`, { defaultValue: t("errors.generic", { message: key }), ...details, list: items, type })}
    </p>
  );
}
