import type { ClaimFormOptions } from "~/contracts/claim";
import type { OrgChoice } from "~/domain/claim-input";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";

/**
 * A json column (for a statement that reads it beside other things): the departments, with their
 * companies, that `userId` may file claims for — the profile's own first, then further memberships by
 * department code; `[]` for an unknown user.
 */
export function claimOrgChoicesSql(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(json_build_object('companyId', x.company_id, 'departmentId', x.department_id) ORDER BY x.ord, x.code), '[]'::json)
      FROM (SELECT 0 AS ord, '' AS code, d.company_id, d.id AS department_id
              FROM app_user u JOIN department d ON d.id = u.department_id WHERE u.id = ${userId}
            UNION ALL
            SELECT 1, d.code, d.company_id, d.id
              FROM app_user u JOIN user_department ud ON ud.user_id = u.id AND ud.department_id <> u.department_id
              JOIN department d ON d.id = ud.department_id WHERE u.id = ${userId}) x)`;
}

/** The departments (with their companies) `userId` may file claims for: the profile's own, then further memberships. */
export async function getClaimOrgChoices(userId: string, db: Db | Tx = prisma): Promise<OrgChoice[]> {
  const [row] = await db.$queryRaw<{ choices: OrgChoice[] }[]>`SELECT ${claimOrgChoicesSql(userId)} AS choices`;
  return row?.choices ?? [];
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
