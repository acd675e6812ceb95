/**
 * Demo retention and destruction (issue 12): old archive records of HQ and Shenzhen whose retention is over
 * (expense claims closed in 1994–1995 with 30 years; bank statements closed in 2014–2015 with 10 years), so
 * the appraisal list shows something; one record under legal hold; a destruction request with one approval
 * (the supervisor's) waiting for a second from another role; and one carried out, so the register has an
 * entry. Packages are written by the archive-record fixture (small files, read-only); the filing job's
 * seed files real packages for recent claims. Deterministic ids.
 */
import { approveDestruction, executeDestruction, proposeDestruction } from "~/models/destruction.server";
import type { Db } from "~/utils/db.server";
import { createArchiveRecord } from "../../fixtures/archive-records";
import { stableId } from "./plan";

type Old = { key: string; companyId: string; number: string; closedOn: string; years: number; docType: string; claimant: string; merchants: string; totalMinor: bigint };

const OLD: Old[] = [
  { key: "hq-1", companyId: "co-hq", number: "EC-1994-000117", closedOn: "1994-03-18", years: 30, docType: "EXPENSE_CLAIM", claimant: "李建国", merchants: "北京饭店", totalMinor: 86_000n },
  { key: "hq-2", companyId: "co-hq", number: "EC-1994-000342", closedOn: "1994-08-09", years: 30, docType: "EXPENSE_CLAIM", claimant: "王秀英", merchants: "中国民航", totalMinor: 214_500n },
  { key: "hq-3", companyId: "co-hq", number: "EC-1995-000058", closedOn: "1995-02-27", years: 30, docType: "EXPENSE_CLAIM", claimant: "张伟", merchants: "上海铁路局", totalMinor: 31_200n },
  { key: "hq-4", companyId: "co-hq", number: "EC-1995-000611", closedOn: "1995-11-30", years: 30, docType: "EXPENSE_CLAIM", claimant: "刘洋", merchants: "友谊商店", totalMinor: 12_800n },
  { key: "hq-bs-1", companyId: "co-hq", number: "BS-2014-12", closedOn: "2014-12-31", years: 10, docType: "BANK_STATEMENT", claimant: "资金部", merchants: "中国工商银行", totalMinor: 0n },
  { key: "hq-bs-2", companyId: "co-hq", number: "BS-2015-06", closedOn: "2015-06-30", years: 10, docType: "BANK_STATEMENT", claimant: "资金部", merchants: "中国工商银行", totalMinor: 0n },
  { key: "sz-1", companyId: "co-sz", number: "EC-1995-000903", closedOn: "1995-05-12", years: 30, docType: "EXPENSE_CLAIM", claimant: "陈敏", merchants: "深圳航空", totalMinor: 157_300n },
  { key: "sz-2", companyId: "co-sz", number: "EC-1995-001020", closedOn: "1995-09-03", years: 30, docType: "EXPENSE_CLAIM", claimant: "黄磊", merchants: "香格里拉酒店", totalMinor: 98_000n },
  // Under legal hold: never listed.
  { key: "hq-held", companyId: "co-hq", number: "EC-1994-000505", closedOn: "1994-10-21", years: 30, docType: "EXPENSE_CLAIM", claimant: "赵强", merchants: "长城饭店", totalMinor: 450_000n },
  // Proposed, one approval given.
  { key: "hq-pending-1", companyId: "co-hq", number: "EC-1993-000210", closedOn: "1993-04-02", years: 30, docType: "EXPENSE_CLAIM", claimant: "孙丽", merchants: "新华书店", totalMinor: 4_600n },
  { key: "hq-pending-2", companyId: "co-hq", number: "EC-1993-000388", closedOn: "1993-07-15", years: 30, docType: "EXPENSE_CLAIM", claimant: "周杰", merchants: "中国电信", totalMinor: 23_000n },
  // Destroyed already: in the register.
  { key: "hq-gone", companyId: "co-hq", number: "EC-1992-000076", closedOn: "1992-06-30", years: 30, docType: "EXPENSE_CLAIM", claimant: "吴刚", merchants: "燕莎商城", totalMinor: 67_500n },
];

export async function seedRetention(db: Db): Promise<void> {
  const user = async (email: string) => {
    const u = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, roles: true } });
    return { id: u.id, roles: u.roles };
  };
  const archivist = await user("archivist@demo.af");
  const supervisor = await user("supervisor@demo.af");
  const admin = await user("admin@demo.af");
  const ids: Record<string, string> = {};
  for (const o of OLD) {
    const department = await db.department.findFirstOrThrow({ where: { companyId: o.companyId }, orderBy: { code: "asc" }, select: { id: true } });
    const r = await createArchiveRecord(db, {
      id: stableId("archive-record", o.key),
      claimId: stableId("archive-claim", o.key),
      claimantId: stableId("archive-claimant", o.key),
      companyId: o.companyId,
      departmentId: department.id,
      claimNumber: o.number,
      closedOn: o.closedOn,
      retentionYears: o.years,
      docType: o.docType,
      claimantName: o.claimant,
      merchants: o.merchants,
      totalMinor: o.totalMinor,
      legalHold: o.key === "hq-held" ? { reason: "税务稽查：2023 年度专项检查（Tax audit in progress）", byId: admin.id } : null,
    });
    ids[o.key] = r.id;
  }
  const [pending] = await proposeDestruction(
    { viewer: archivist, recordIds: [ids["hq-pending-1"]!, ids["hq-pending-2"]!], reason: "保管期限 30 年已满，经档案部门鉴定无继续保存价值。Retention of 30 years over; appraised by the archive." },
    { db },
  );
  await approveDestruction({ viewer: supervisor, requestId: pending!, as: "SUPERVISOR", note: "已核对清单" }, db);
  const [done] = await proposeDestruction({ viewer: archivist, recordIds: [ids["hq-gone"]!], reason: "保管期限已满（1992 年度）。Retention over (1992)." }, { db });
  await approveDestruction({ viewer: supervisor, requestId: done!, as: "SUPERVISOR" }, db);
  await approveDestruction({ viewer: admin, requestId: done!, as: "ADMIN" }, db);
  await executeDestruction({ viewer: archivist, requestId: done! }, { db });
  console.log(`[seed] retention: ${OLD.length} old archive records, 1 under legal hold, 1 destruction request waiting for its second approval, 1 destroyed`);
}
