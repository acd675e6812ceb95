/** A company by the reader's language. */
export function localCompany(c: { code: string; name: string; nameZh: string }, language: string): string {
  return `${c.code} · ${language === "zh-CN" ? c.nameZh : c.name}`;
}

/** An action's refusal, translated: the code (or the finer reason) under errors.*, else generic. */
export function errorText(t: (k: string, o?: Record<string, unknown>) => string, code: string): string {
  return t(`errors.${code}`, { defaultValue: t("errors.generic", { message: code }) });
}
