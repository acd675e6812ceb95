/**
 * Demo archive boxes (issue 12), after the claims: two locations (SSC shelf A, the off-site store); for HQ
 * and Shenzhen an expense-claim box of the latest year on shelf A holding received originals of approved or
 * paid claims, HQ's first box full, closed and moved off-site, and an empty bank-statement box. Paper
 * originals are created RECEIVED where no other seed part made them (ON CONFLICT DO NOTHING); only RECEIVED
 * ones not yet filed are filed; five more per company stay RECEIVED for the filing station. Idempotent: stable ids, and every insert skips what exists.
 */
import { compiledCompanyScheme } from "~/domain/archive-boxes";
import { formatBoxNumber, type ArchiveDocumentType } from "~/domain/archive-numbering";
import type { Db } from "~/utils/db.server";
import { stableId } from "./plan";

const SHELF = { id: stableId("archive-location", "SSC-A"), code: "SSC-A", name: "SSC archive room, shelf A", nameZh: "共享中心档案室 A 架", kind: "SHELF" };
const OFFSITE = { id: stableId("archive-location", "OFFSITE-1"), code: "OFFSITE-1", name: "Off-site records store (Songjiang)", nameZh: "松江异地档案库", kind: "OFFSITE" };

/** Per company: how many originals go into each of its expense-claim boxes (the first one closed and off-site for HQ). */
const PLAN: { companyId: string; boxes: number[]; firstOffsite: boolean }[] = [
  { companyId: "co-hq", boxes: [12, 7], firstOffsite: true },
  { companyId: "co-sz", boxes: [6], firstOffsite: false },
];

export async function seedArchiveBoxes(db: Db, { now }: { now: Date }): Promise<void> {
  const archivistId = stableId("user", "archivist");
  for (const l of [SHELF, OFFSITE]) {
    await db.$executeRaw`INSERT INTO archive_location (id, code, name, name_zh, kind) VALUES (${l.id}, ${l.code}, ${l.name}, ${l.nameZh}, ${l.kind}) ON CONFLICT DO NOTHING`;
  }
  for (const plan of PLAN) {
    const company = await db.company.findUnique({ where: { id: plan.companyId }, select: { id: true, code: true, archiveBoxScheme: true, archivePositionScheme: true } });
    if (!company) continue;
    const scheme = compiledCompanyScheme(company);
    // The oldest approved or paid claims of the company's latest year with claims: their originals came in first.
    const claims = await db.$queryRaw<{ id: string; submitted_at: Date; year: number; receipts: number }[]>`
      SELECT c.id, c.submitted_at, EXTRACT(YEAR FROM c.submitted_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
             (SELECT count(*) FROM receipt r WHERE r.claim_id = c.id)::int AS receipts
        FROM claim c
       WHERE c.company_id = ${company.id} AND c.status IN ('APPROVED', 'SCHEDULED', 'PAID') AND c.submitted_at IS NOT NULL
       ORDER BY c.submitted_at, c.id`;
    if (claims.length === 0) continue;
    const year = Math.max(...claims.map((c) => c.year));
    const pool = claims.filter((c) => c.year === year);
    let next = 0;
    for (const [i, size] of plan.boxes.entries()) {
      const boxNo = i + 1;
      const label = formatBoxNumber(scheme, { company: company.code, year, type: "BX" as ArchiveDocumentType, box: boxNo });
      if (!label.ok) throw new Error(`seed: box label ${label.code}`);
      const boxId = stableId("archive-box", company.id, year, "BX", boxNo);
      const full = plan.firstOffsite && i === 0;
      const createdAt = new Date(now.getTime() - (40 - i * 10) * 86_400_000);
      await db.$executeRaw`
        INSERT INTO archive_box (id, label, company_id, year, doc_type, box_no, capacity, status, location_id, created_by_id, created_at, closed_at)
        VALUES (${boxId}, ${label.value}, ${company.id}, ${year}, 'BX', ${boxNo}, ${full ? size : 200}, ${full ? "CLOSED" : "OPEN"}, ${SHELF.id}, ${archivistId}, ${createdAt},
                ${full ? new Date(createdAt.getTime() + 20 * 86_400_000) : null})
        ON CONFLICT DO NOTHING`;
      await db.$executeRaw`
        INSERT INTO archive_box_movement (id, box_id, from_location_id, to_location_id, moved_by_id, moved_at, note)
        VALUES (${stableId("archive-move", boxId, 0)}, ${boxId}, NULL, ${SHELF.id}, ${archivistId}, ${createdAt}, '') ON CONFLICT DO NOTHING`;
      for (const c of pool.slice(next, next + size)) {
        const receivedAt = new Date(c.submitted_at.getTime() + 4 * 86_400_000);
        const dueOn = new Date(c.submitted_at.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
        await db.$executeRaw`
          INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, received_at, received_by_id, updated_at)
          VALUES (${c.id}, ${company.id}, 'RECEIVED', ${c.receipts}, ${c.submitted_at}, ${dueOn}::date, ${receivedAt}, ${archivistId}, ${receivedAt})
          ON CONFLICT DO NOTHING`;
        const filedAt = new Date(Math.max(receivedAt.getTime(), createdAt.getTime()) + 86_400_000);
        await db.$executeRaw`
          UPDATE paper_original
             SET status = 'ARCHIVED', box_id = ${boxId}, filed_at = ${filedAt}, filed_by_id = ${archivistId}, updated_at = ${filedAt},
                 position = (SELECT COALESCE(max(position), 0) + 1 FROM paper_original WHERE box_id = ${boxId})
           WHERE claim_id = ${c.id} AND status = 'RECEIVED' AND box_id IS NULL`;
      }
      next += size;
      if (full) {
        await db.$executeRaw`
          INSERT INTO archive_box_movement (id, box_id, from_location_id, to_location_id, moved_by_id, moved_at, note)
          VALUES (${stableId("archive-move", boxId, 1)}, ${boxId}, ${SHELF.id}, ${OFFSITE.id}, ${archivistId}, ${new Date(createdAt.getTime() + 25 * 86_400_000)}, 'Closed box to the off-site store')
          ON CONFLICT DO NOTHING`;
        await db.$executeRaw`UPDATE archive_box SET location_id = ${OFFSITE.id} WHERE id = ${boxId}`;
      }
    }
    // A few more received and waiting to be filed: something for the filing station.
    for (const c of pool.slice(next, next + 5)) {
      const receivedAt = new Date(Math.min(now.getTime(), c.submitted_at.getTime() + 4 * 86_400_000));
      const dueOn = new Date(c.submitted_at.getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
      await db.$executeRaw`
        INSERT INTO paper_original (claim_id, company_id, status, receipt_count, expected_since, due_on, received_at, received_by_id, updated_at)
        VALUES (${c.id}, ${company.id}, 'RECEIVED', ${c.receipts}, ${c.submitted_at}, ${dueOn}::date, ${receivedAt}, ${archivistId}, ${receivedAt})
        ON CONFLICT DO NOTHING`;
    }
    if (plan.companyId === "co-hq") {
      const label = formatBoxNumber(scheme, { company: company.code, year, type: "BS", box: 1 });
      const boxId = stableId("archive-box", company.id, year, "BS", 1);
      if (label.ok) {
        await db.$executeRaw`
          INSERT INTO archive_box (id, label, company_id, year, doc_type, box_no, location_id, created_by_id, created_at)
          VALUES (${boxId}, ${label.value}, ${company.id}, ${year}, 'BS', 1, ${SHELF.id}, ${archivistId}, ${now}) ON CONFLICT DO NOTHING`;
        await db.$executeRaw`
          INSERT INTO archive_box_movement (id, box_id, from_location_id, to_location_id, moved_by_id, moved_at, note)
          VALUES (${stableId("archive-move", boxId, 0)}, ${boxId}, NULL, ${SHELF.id}, ${archivistId}, ${now}, '') ON CONFLICT DO NOTHING`;
      }
    }
  }
}
