import { prisma } from "~/utils/db.server";

/** Companies with their departments, and expense categories: the choices on a claim form. */
export async function getClaimFormOptions() {
  const [companies, categories] = await Promise.all([
    prisma.company.findMany({
      orderBy: { code: "asc" },
      select: {
        id: true,
        code: true,
        name: true,
        nameZh: true,
        currency: true,
        departments: { orderBy: { code: "asc" }, select: { id: true, code: true, name: true, nameZh: true } },
      },
    }),
    prisma.expenseCategory.findMany({
      orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
      select: { code: true, name: true, nameZh: true },
    }),
  ]);
  return { companies, categories };
}

export type ClaimFormOptions = Awaited<ReturnType<typeof getClaimFormOptions>>;

/** Currencies offered on a line: the group's company currencies first, then common travel currencies. */
export function lineCurrencies(companyCurrencies: string[]): string[] {
  return [...new Set([...companyCurrencies, "CNY", "USD", "HKD", "EUR", "JPY", "GBP", "SGD"])];
}
