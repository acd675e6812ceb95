import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/** Copies text: the Clipboard API where the page may use it, else a selected hidden textarea (plain http). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/**
 * A SHA-256 (or any long hex digest) in a table cell or a fact: the first `chars` characters in monospace,
 * the whole value on hover (title), for screen readers (hidden text) and in `data-value`, and one click (or Enter) away on
 * the clipboard. Never wider than its cell, so a phone screen never scrolls sideways for a hash.
 */
export function Digest({ value, chars = 12, testId, label }: { value: string; chars?: number; testId?: string; label?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  const short = value.length > chars ? `${value.slice(0, chars)}…` : value;
  const name = label ?? t("digest.sha256");
  return (
    <span className="digest">
      <code title={value} data-testid={testId} data-value={value} aria-hidden="true">
        {short}
      </code>
      <span className="visually-hidden">{t("digest.full", { name, value })}</span>
      {value.length > chars ? (
        <button
          type="button"
          className="digest-copy"
          onClick={() => void copyText(value).then((ok) => setCopied(ok ? "yes" : "no"))}
          aria-label={t("digest.copyLabel", { name, short })}
          title={t("digest.copyLabel", { name, short })}
        >
          {copied === "yes" ? t("digest.copied") : copied === "no" ? t("digest.notCopied") : t("digest.copy")}
        </button>
      ) : null}
      <span className="visually-hidden" role="status">
        {copied === "yes" ? t("digest.copied") : ""}
      </span>
    </span>
  );
}
