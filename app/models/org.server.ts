import type { ClaimFormOptions } from "~/contracts/claim";
import type { OrgChoice } from "~/domain/claim-input";
import { prisma, type Db, type Tx } from "~/utils/db.server";

/** The departments (with their companies) `userId` may file claims for: the profile's own, then further memberships. */
export async function getClaimOrgChoices(userId: string, db: Db | Tx = prisma): Promise<OrgChoice[]> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { companyId: true, departmentId: true, department: { select: { companyId: true } } },
  });
  if (!user) return [];
  const memberships = await db.userDepartment.findMany({ where: { userId, departmentId: { not: user.departmentId } }, select: { departmentId: true } });
  const further = memberships.length === 0
    ? []
    : await db.department.findMany({ where: { id: { in: memberships.map((m) => m.departmentId) } }, orderBy: { code: "asc" }, select: { id: true, companyId: true } });
  return [{ companyId: user.department.companyId, departmentId: user.departmentId }, ...further.map((d) => ({ companyId: d.companyId, departmentId: d.id }))];
}

/**
 * Companies with their departments, and expense categories: the choices on a claim form. With
 * `forUserId`, only what that claimant may file for (getClaimOrgChoices); without, everything (admins).
 */
export async function getClaimFormOptions({ forUserId }: { forUserId?: string } = {}): Promise<ClaimFormOptions> {
  const departmentIds = forUserId === undefined ? undefined : (await getClaimOrgChoices(forUserId)).map((c) => c.departmentId);
  const only = departmentIds === undefined ? {} : { id: { in: departmentIds } };
  const [companies, categories] = await Promise.all([
    prisma.company.findMany({
      where: departmentIds === undefined ? {} : { departments: { some: only } },
      orderBy: { code: "asc" },
      select: {
        id: true,
        code: true,
        name: true,
        nameZh: true,
        currency: true,
        departments: { where: only, orderBy: { code: "asc" }, select: { id: true, code: true, name: true, nameZh: true } },
      },
    }),
    prisma.expenseCategory.findMany({
      orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
      select: { code: true, name: true, nameZh: true },
    }),
  ]);
  return { companies, categories };
}


/** Currencies offered on a line: the group's company currencies first, then common travel currencies. */
export function lineCurrencies(companyCurrencies: string[]): string[] {
  return [...new Set([...companyCurrencies, "CNY", "USD", "HKD", "EUR", "JPY", "GBP", "SGD"])];
}
