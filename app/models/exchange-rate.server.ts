import type { RateLookup } from "~/domain/money";
import { prisma, type Tx } from "~/utils/db.server";

/** What one caller converts: its items (each a currency and the date it is converted at) into `to`. */
export type RateNeed = { items: readonly { currency: string; onDate: string }[]; to: string };

type RateRow = { base: string; quote: string; validOn: Date; rate: { toFixed(): string } };

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Loads, in one query, the rates needed to convert `items` into `to`: for each currency the latest
 * rate on or before each item's date (rates are published on working days only).
 */
export async function rateLookupFor(
  items: readonly { currency: string; onDate: string }[],
  to: string,
  db: Tx = prisma,
): Promise<RateLookup> {
  const [lookup] = await rateLookupsFor([{ items, to }], db);
  return lookup!;
}

/**
 * The lookups of many needs (a batch of claims, say) from one query: one lookup per need, in order,
 * each answering exactly as `rateLookupFor(need.items, need.to)` alone would. No query when no need
 * has a foreign currency.
 */
export async function rateLookupsFor(needs: readonly RateNeed[], db: Tx = prisma): Promise<RateLookup[]> {
  const scopes = needs.map(({ items, to }) => ({
    to,
    foreign: new Set(items.filter((i) => i.currency !== to).map((i) => i.currency)),
    // Over every item, same-currency ones too: the rows a lookup may answer from end there.
    latestDate: items.reduce((max, i) => (i.onDate > max ? i.onDate : max), "0000-00-00"),
  }));
  // Per target currency, the union of what its needs ask for: one condition each, one query in all.
  const byTarget = new Map<string, { bases: Set<string>; latestDate: string }>();
  for (const s of scopes) {
    if (s.foreign.size === 0) continue;
    const target = byTarget.get(s.to) ?? { bases: new Set<string>(), latestDate: "0000-00-00" };
    for (const c of s.foreign) target.bases.add(c);
    if (s.latestDate > target.latestDate) target.latestDate = s.latestDate;
    byTarget.set(s.to, target);
  }
  const rows: RateRow[] =
    byTarget.size === 0
      ? []
      : await db.exchangeRate.findMany({
          where: {
            OR: [...byTarget].map(([to, t]) => ({ base: { in: [...t.bases] }, quote: to, validOn: { lte: new Date(`${t.latestDate}T00:00:00Z`) } })),
          },
          orderBy: { validOn: "desc" },
          select: { base: true, quote: true, validOn: true, rate: true },
        });
  return scopes.map((s) => {
    if (s.foreign.size === 0) return () => undefined;
    // The rows this need's own query would have read, newest first.
    const own = rows.filter((r) => r.quote === s.to && s.foreign.has(r.base) && isoDay(r.validOn) <= s.latestDate);
    return (from, quote, onDate) => {
      if (quote !== s.to) return undefined;
      const row = own.find((r) => r.base === from && isoDay(r.validOn) <= onDate);
      return row?.rate.toFixed();
    };
  });
}
