/**
 * Deductible input VAT of an expense line (进项税额抵扣), per 财税〔2019〕39号 (关于深化增值税改革有关政策的公告,
 * 财政部 税务总局 海关总署公告2019年第39号) and its passenger-transport rule (第六条): a company that is a general
 * taxpayer deducts the tax printed on a special VAT invoice; for domestic passenger transport of its own
 * employees it deducts the tax printed on an electronic ordinary invoice, or a deemed tax computed from the
 * ticket: air and rail (票价+燃油附加费) ÷ (1+9%) × 9%, road and water 票面金额 ÷ (1+3%) × 3%.
 * Meals and entertainment are never deductible (增值税暂行条例 第十条 and 财税〔2016〕36号: 餐饮服务、居民日常服务、
 * 娱乐服务 purchased are not deductible). Only PRC input VAT exists: a line in another currency, or a company
 * keeping its books in another currency, deducts nothing.
 *
 * Limits of what we know: an air itinerary's airport construction fee (民航发展基金) is not deductible, but a
 * claim line carries the ticket's total only; the accountant approving less is how it is taken out.
 */
import { divideHalfEven } from "./money";

export const INVOICE_KINDS = ["SPECIAL_VAT", "ORDINARY_E", "TRANSPORT_TICKET", "NONE"] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

export const TRANSPORT_MODES = ["AIR", "RAIL", "ROAD", "WATER"] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

/** Categories whose input VAT is never deductible. */
export const NON_DEDUCTIBLE_CATEGORIES: ReadonlySet<string> = new Set(["MEAL", "ENTERTAIN"]);

/** Domestic passenger transport: an electronic ordinary invoice's printed tax counts for these. */
export const PASSENGER_TRANSPORT_CATEGORIES: ReadonlySet<string> = new Set(["AIR", "RAIL", "TAXI"]);

/** Deemed rates of a passenger ticket as [numerator, denominator] of the amount: 9/109 or 3/103. */
const DEEMED_RATE: Record<TransportMode, readonly [bigint, bigint]> = {
  AIR: [9n, 109n],
  RAIL: [9n, 109n],
  ROAD: [3n, 103n],
  WATER: [3n, 103n],
};

export type VatFacts = {
  categoryCode: string;
  invoiceKind: InvoiceKind | string;
  /** The tax printed on the invoice (line currency), if any. */
  taxMinor: bigint | null;
  transportMode: TransportMode | string | null;
  /** The amount approved (line currency): the claimed amount unless the accountant approved less. */
  amountMinor: bigint;
  /** The amount claimed (line currency); the printed tax is scaled by amount ÷ claimed when less is approved. */
  claimedMinor: bigint;
  lineCurrency: string;
  companyCurrency: string;
  /** A ticket's deemed VAT is only for the company's own employees travelling. */
  passengerIsEmployee?: boolean;
};

/** The deductible input VAT in minor units of the line (= company) currency; never more than the amount. */
export function deductibleInputVat(f: VatFacts): bigint {
  const { amountMinor, claimedMinor } = f;
  if (amountMinor <= 0n) return 0n;
  if (f.lineCurrency !== "CNY" || f.companyCurrency !== "CNY") return 0n;
  if (NON_DEDUCTIBLE_CATEGORIES.has(f.categoryCode)) return 0n;
  const scaledPrintedTax = (): bigint => {
    const tax = f.taxMinor ?? 0n;
    if (tax <= 0n) return 0n;
    if (claimedMinor <= 0n || amountMinor >= claimedMinor) return tax;
    return divideHalfEven(tax * amountMinor, claimedMinor);
  };
  let vat = 0n;
  switch (f.invoiceKind) {
    case "SPECIAL_VAT":
      vat = scaledPrintedTax();
      break;
    case "ORDINARY_E":
      vat = PASSENGER_TRANSPORT_CATEGORIES.has(f.categoryCode) ? scaledPrintedTax() : 0n;
      break;
    case "TRANSPORT_TICKET": {
      if (f.passengerIsEmployee === false) return 0n;
      const mode = f.transportMode ?? (f.categoryCode === "AIR" || f.categoryCode === "RAIL" ? f.categoryCode : null);
      const rate = mode ? DEEMED_RATE[mode as TransportMode] : undefined;
      vat = rate ? divideHalfEven(amountMinor * rate[0], rate[1]) : 0n;
      break;
    }
    default:
      vat = 0n;
  }
  return vat > amountMinor ? amountMinor : vat < 0n ? 0n : vat;
}
