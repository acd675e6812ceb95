/**
 * Issue 14: the line a receipt's reading proposes, shown under that receipt on the draft page. Enter on
 * the focused proposal adds it (the claim form is sent with `acceptProposal`, so unsaved edits go with it
 * and the server builds the line from the stored reading); "Correct" opens it in the line form; "Dismiss"
 * hides it for good. Each value says whether it was read, guessed or defaulted; low confidence is marked.
 */
import { useFetcher } from "@remix-run/react";
import { useRef, type KeyboardEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatMoney } from "~/domain/money";
import { isCompleteProposal, type LineProposal, type ProposedValue } from "~/domain/receipt-proposal";
import { formatCalendarDate, localName } from "~/utils/format";

export function LineProposalCard({
  proposal,
  source,
  formId,
  categories,
  busy,
  onCorrect,
}: {
  proposal: LineProposal;
  /** Where the reading came from (xml, qr, ocr…), to say what "read" means here. */
  source: string;
  formId: string;
  categories: { code: string; name: string; nameZh: string }[];
  busy: boolean;
  onCorrect: (p: LineProposal) => void;
}) {
  const { t, i18n } = useTranslation("claims");
  const dismiss = useFetcher();
  const addRef = useRef<HTMLButtonElement>(null);
  const complete = isCompleteProposal(proposal);
  const category = proposal.categoryCode ? categories.find((c) => c.code === proposal.categoryCode!.value) : undefined;
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    // Only on the card itself: Enter on one of its buttons does what that button says.
    if (e.key !== "Enter" || e.target !== e.currentTarget || busy) return;
    e.preventDefault();
    if (complete) addRef.current?.click();
    else onCorrect(proposal);
  };
  if (dismiss.state !== "idle") return null;
  return (
    <article
      className="line-proposal"
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-labelledby={`proposal-${proposal.receiptId}`}
      aria-describedby={`proposal-${proposal.receiptId}-keys`}
      data-testid="line-proposal"
      data-low={proposal.lowConfidence.length > 0 ? "true" : undefined}
    >
      <header className="line-proposal-head">
        <span className="badge badge-read" id={`proposal-${proposal.receiptId}`}>
          {t("proposal.readFrom")} · {t(`proposal.source.${source}`, { defaultValue: source })}
        </span>
      </header>
      <dl className="line-proposal-values">
        <ProposalRow label={t("field.spentOn")} value={proposal.spentOn}>
          {proposal.spentOn ? formatCalendarDate(proposal.spentOn.value, i18n.language) : null}
        </ProposalRow>
        <ProposalRow label={t("field.category")} value={proposal.categoryCode}>
          {category ? localName(category, i18n.language) : null}
        </ProposalRow>
        <ProposalRow label={t("field.amount")} value={proposal.amountMinor} strong>
          {formatMoney({ minor: proposal.amountMinor.value, currency: proposal.currency.value }, i18n.language)}
        </ProposalRow>
        <ProposalRow label={t("field.currency")} value={proposal.currency}>
          {proposal.currency.value}
        </ProposalRow>
        <ProposalRow label={t("field.merchant")} value={proposal.merchant}>
          {proposal.merchant?.value ?? null}
        </ProposalRow>
      </dl>
      {complete ? null : <p className="small muted">{t("proposal.incomplete")}</p>}
      <div className="line-proposal-actions">
        {complete ? (
          <button ref={addRef} type="submit" form={formId} name="acceptProposal" value={proposal.receiptId} className="button button-small button-primary" disabled={busy} data-testid="accept-proposal">
            {t("proposal.add")} <kbd>{t("proposal.addKey")}</kbd>
          </button>
        ) : null}
        <button type="button" className="button button-small" onClick={() => onCorrect(proposal)} data-testid="correct-proposal">
          {t("proposal.correct")}
          {complete ? null : <> <kbd>{t("proposal.addKey")}</kbd></>}
        </button>
        <dismiss.Form method="post">
          <input type="hidden" name="intent" value="dismiss_proposal" />
          <input type="hidden" name="receiptId" value={proposal.receiptId} />
          <button type="submit" className="link-button" data-testid="dismiss-proposal">{t("proposal.dismiss")}</button>
        </dismiss.Form>
      </div>
      <span id={`proposal-${proposal.receiptId}-keys`} className="visually-hidden">{complete ? t("proposal.hint") : t("proposal.incomplete")}</span>
    </article>
  );
}

function ProposalRow({ label, value, strong, children }: { label: string; value: ProposedValue<unknown> | null; strong?: boolean; children: ReactNode }) {
  const { t } = useTranslation("claims");
  const low = value?.origin === "read" && value.low;
  const origin = !value ? "missing" : value.origin;
  return (
    <div className={`proposal-value proposal-${origin}${low ? " proposal-low" : ""}`} data-origin={origin} data-low={low ? "true" : undefined}>
      <dt>{label}</dt>
      <dd>
        {value ? (strong ? <strong>{children}</strong> : children) : null}{" "}
        <span className="proposal-origin">
          {!value ? t("proposal.missing") : low ? `⚠ ${t("proposal.low")}` : t(`proposal.${value.origin}`)}
        </span>
      </dd>
    </div>
  );
}
