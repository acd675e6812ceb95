import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { Finding, OtherClaim } from "~/domain/claim-checks";
import { formatMoney } from "~/domain/money";
import { formatCalendarDate } from "~/utils/format";

type TFn = (key: string, options?: Record<string, unknown>) => string;

function money(minor: string | number | undefined, currency: string | number | undefined, locale: string): string {
  if (minor === undefined || currency === undefined) return "";
  return formatMoney({ minor: BigInt(minor), currency: String(currency) }, locale);
}

/** Issue 14: how a value was read — a place on the image (highlighted in the viewer) or e-invoice data. */
function readWhere(finding: Finding, t: TFn): string {
  const source = String(finding.params.source);
  if (source === "xml" || source === "pdf-xml" || source === "ofd-xml") return t("finding.read_where_data");
  const by = t(source === "qr" || source === "ocr" || source === "pdf-text" ? `finding.read_source_${source.replace("-", "_")}` : "finding.read_source_other");
  if (finding.params.region !== "yes") return t("finding.read_by", { source: by });
  return finding.code === "read_amount_differs" ? t("finding.read_where_region", { source: by }) : t("finding.read_by", { source: by });
}

/** Shown inline before the rest fold away: a receipt on many claims stays one readable chip. */
const INLINE_CLAIMS = 3;

function ClaimLink({ claim }: { claim: OtherClaim }) {
  return (
    <Link to={`/claims/${claim.claimId}`} className="mono" target="_blank" rel="noreferrer">
      {claim.claimNumber}
    </Link>
  );
}

/** The other claims of a cross-claim finding: the first few as links, the rest behind "and N more". */
function OtherClaims({ claims, t }: { claims: readonly OtherClaim[]; t: TFn }) {
  const inline = claims.slice(0, INLINE_CLAIMS);
  const rest = claims.slice(INLINE_CLAIMS);
  return (
    <>
      {inline.map((c, i) => (
        <span key={c.claimId}>
          {i > 0 ? t("finding.claims_separator") : null}
          <ClaimLink claim={c} />
        </span>
      ))}
      {rest.length > 0 ? (
        <details className="finding-more" data-testid="finding-more-claims">
          {/* The lead (":") comes from CSS while open, so it never wraps away from "and N more". */}
          <summary data-lead={t("finding.claims_list_lead")}>{t("finding.more_claims", { count: rest.length })}</summary>
          {rest.map((c, i) => (
            <span key={c.claimId}>
              {i > 0 ? t("finding.claims_separator") : null}
              <ClaimLink claim={c} />
            </span>
          ))}
        </details>
      ) : null}
    </>
  );
}

/** One finding as a severity-coloured chip with translated text (duplicates link to the other claim). */
export function FindingChip({ finding, t, locale }: { finding: Finding; t: TFn; locale: string }) {
  const p = finding.params;
  let text: ReactNode;
  switch (finding.code) {
    case "duplicate_receipt":
    case "duplicate_invoice":
    case "similar_receipt":
      text = (
        <>
          {t(`finding.${finding.code}`)} <OtherClaims claims={finding.claims ?? [{ claimId: String(p.claimId), claimNumber: String(p.claimNumber) }]} t={t} />
          {finding.code === "similar_receipt" ? <> {t("finding.similar_distance", { distance: p.distance })}</> : null}
        </>
      );
      break;
    case "over_category_limit":
      text = t(p.reason === "no_rate" ? "finding.over_category_limit_no_rate" : "finding.over_category_limit", {
        limit: money(p.limitMinor, p.limitCurrency, locale),
      });
      break;
    case "weekend_or_holiday":
      text = t(`finding.weekend_or_holiday_${p.reason === "holiday" ? "holiday" : "weekend"}`);
      break;
    case "receipt_date_far":
      text = t("finding.receipt_date_far", { capturedOn: formatCalendarDate(String(p.capturedOn), locale), days: p.days });
      break;
    case "read_amount_differs":
    case "read_date_differs":
      text = (
        <>
          {finding.code === "read_amount_differs"
            ? t("finding.read_amount_differs", { read: money(p.readMinor, p.currency, locale), amount: money(p.amountMinor, p.currency, locale) })
            : t("finding.read_date_differs", { readDate: formatCalendarDate(String(p.readDate), locale), days: p.days })}{" "}
          <span className="finding-source" data-testid="finding-read-source">
            ({readWhere(finding, t)}
            {finding.severity === "info" ? `; ${t("finding.read_unsure", { percent: Math.round(Number(p.confidence) * 100) })}` : ""})
          </span>
        </>
      );
      break;
    case "fx_rate_out_of_tolerance":
      text = t("finding.fx_rate_out_of_tolerance", { impliedRate: p.impliedRate, referenceRate: p.referenceRate, deviationPercent: p.deviationPercent });
      break;
    default:
      text = t(`finding.${finding.code}`);
  }
  return (
    <li className={`finding finding-${finding.severity}`} data-testid="finding" data-code={finding.code}>
      <span className="visually-hidden">{t(`severity.${finding.severity}`)}: </span>
      {text}
    </li>
  );
}

/** A line's findings as chips, or the quiet "no findings" text. */
export function LineFindings({ findings, t, locale }: { findings: readonly Finding[]; t: TFn; locale: string }) {
  return findings.length === 0 ? (
    <span className="finding-none">{t("lines.noFindings")}</span>
  ) : (
    <ul className="findings">
      {findings.map((f, k) => (
        <FindingChip key={`${f.code}-${k}`} finding={f} t={t} locale={locale} />
      ))}
    </ul>
  );
}
