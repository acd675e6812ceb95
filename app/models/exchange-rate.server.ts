import type { RateLookup } from "~/domain/money";
import { prisma, type Tx } from "~/utils/db.server";

/**
 * Loads, in one query, the rates needed to convert `items` into `to`: for each currency the latest
 * rate on or before each item's date (rates are published on working days only).
 */
export async function rateLookupFor(
  items: readonly { currency: string; onDate: string }[],
  to: string,
  db: Tx = prisma,
): Promise<RateLookup> {
  const foreign = [...new Set(items.filter((i) => i.currency !== to).map((i) => i.currency))];
  if (foreign.length === 0) return () => undefined;
  const latestDate = items.reduce((max, i) => (i.onDate > max ? i.onDate : max), "0000-00-00");
  const rows = await db.exchangeRate.findMany({
    where: { base: { in: foreign }, quote: to, validOn: { lte: new Date(`${latestDate}T00:00:00Z`) } },
    orderBy: { validOn: "desc" },
    select: { base: true, validOn: true, rate: true },
  });
  return (from, quote, onDate) => {
    if (quote !== to) return undefined;
    const row = rows.find((r) => r.base === from && r.validOn.toISOString().slice(0, 10) <= onDate);
    return row?.rate.toFixed();
  };
}
