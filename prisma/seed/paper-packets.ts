/**
 * Demo paper originals and packets (issue 12), after the claims are seeded:
 * - every submitted claim gets its paper_original row (the seed writes claims directly, so the submit path
 *   never opened one): due the company's working days after submission; most claims submitted more than
 *   two weeks ago were received, the rest are awaited — some overdue;
 * - per company with enough awaited claims: two packets in transit (SENT), one being received at the desk
 *   (RECEIVING, half ticked), one closed with a missing claim and a claim short of receipt R2 (discrepancies
 *   with a resend date, the claimants told), and one still being packed by the demo employee.
 * Deterministic (claims by number), and safe to run again: rows already there are left alone, and a second
 * run (after the receipts phase) only brings the receipt counts up to date.
 */
import { workingDaysAfter } from "~/domain/paper-desk";
import { coverSheetCode, packetCode, resendDueOn } from "~/domain/paper-trail";
import { parseWorkCalendar } from "~/domain/work-calendar";
import type { Db } from "~/utils/db.server";
import { stableId } from "./plan";

const DAY = 86_400_000;
const DECIDED = ["APPROVED", "SCHEDULED", "PAID", "PAYMENT_FAILED", "REJECTED"];

type Awaited = { claimId: string; number: string; claimantId: string; receiptCount: number; companyId: string };

export async function seedPaperPackets(db: Db, { now }: { now: Date }): Promise<void> {
  // After the receipts phase: the counts of the receipts now attached.
  await db.$executeRaw`
    UPDATE paper_original po SET receipt_count = r.n
    FROM (SELECT claim_id, count(*)::int AS n FROM receipt GROUP BY claim_id) r
    WHERE r.claim_id = po.claim_id AND po.receipt_count <> r.n AND po.status = 'AWAITING'`;
  // Once: the packets are the mark of this part having run (the pay-on-paper part may have opened a few
  // originals before it; those are left as they are and kept out of the packets).
  if ((await db.paperPacket.count()) > 0) return;
  const opened = new Set((await db.paperOriginal.findMany({ select: { claimId: true } })).map((o) => o.claimId));

  const archivist = await db.user.findUnique({ where: { email: "archivist@demo.af" }, select: { id: true } });
  if (!archivist) return;
  const companies = await db.company.findMany({ select: { id: true, code: true, calendar: true, originalsDueWorkingDays: true, resendWorkingDays: true }, orderBy: { code: "asc" } });
  const claims = await db.$queryRaw<{ id: string; number: string; claimant_id: string; company_id: string; status: string; submitted_at: Date; receipts: number; lines: number }[]>`
    SELECT c.id, c.number, c.claimant_id, c.company_id, c.status::text AS status, c.submitted_at,
           (SELECT count(*)::int FROM receipt r WHERE r.claim_id = c.id) AS receipts,
           (SELECT count(*)::int FROM claim_line l WHERE l.claim_id = c.id) AS lines
    FROM claim c WHERE c.submitted_at IS NOT NULL AND c.status <> 'DRAFT' ORDER BY c.number`;
  const awaited: Awaited[] = [];
  for (const c of claims) {
    if (opened.has(c.id)) continue;
    const company = companies.find((x) => x.id === c.company_id)!;
    const dueOn = workingDaysAfter(c.submitted_at, company.originalsDueWorkingDays, parseWorkCalendar(company.calendar));
    // The receipts are attached in the seed's receipts phase: until then, one per line (what the plan gives).
    const receiptCount = c.receipts || c.lines;
    // Submitted a fortnight ago: the originals came (but every seventh is late, to show overdue ones).
    const age = now.getTime() - c.submitted_at.getTime();
    const received = (age > 14 * DAY && claims.indexOf(c) % 7 !== 0) || (DECIDED.includes(c.status) && age > 10 * DAY);
    const receivedAt = new Date(Math.min(c.submitted_at.getTime() + 4 * DAY, now.getTime() - DAY));
    await db.paperOriginal.create({
      data: {
        claimId: c.id,
        companyId: c.company_id,
        status: received ? "RECEIVED" : "AWAITING",
        receiptCount,
        expectedSince: c.submitted_at,
        dueOn: new Date(`${dueOn}T00:00:00Z`),
        ...(received ? { receivedAt, receivedById: archivist.id } : {}),
        updatedAt: received ? receivedAt : c.submitted_at,
      },
    });
    if (!received) awaited.push({ claimId: c.id, number: c.number, claimantId: c.claimant_id, receiptCount, companyId: c.company_id });
  }

  const demoEmployee = await db.user.findUnique({ where: { email: "employee@demo.af" }, select: { id: true } });
  for (const company of companies) {
    const pool = awaited.filter((a) => a.companyId === company.id && a.claimantId !== demoEmployee?.id);
    if (pool.length < 16) continue;
    const take = (n: number) => pool.splice(0, n);
    const cal = parseWorkCalendar(company.calendar);
    const makePacket = async (key: string, items: Awaited[], fields: { origin: string; createdAt: Date; carrier?: string; tracking?: string; sentAt?: Date; receivingAt?: Date; closedAt?: Date }) => {
      const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT nextval('paper_packet_serial_seq') AS n`;
      const serial = Number(row!.n);
      const id = stableId("packet", company.code, key);
      const maker = items[0]!.claimantId;
      const status = fields.closedAt ? "CLOSED" : fields.receivingAt ? "RECEIVING" : fields.sentAt ? "SENT" : "OPEN";
      await db.paperPacket.create({
        data: {
          id,
          code: packetCode(serial),
          serial,
          companyId: company.id,
          origin: fields.origin,
          status,
          createdById: maker,
          createdAt: fields.createdAt,
          carrier: fields.carrier ?? null,
          trackingNumber: fields.tracking ?? null,
          sentById: fields.sentAt ? maker : null,
          sentAt: fields.sentAt ?? null,
          receivingAt: fields.receivingAt ?? null,
          closedById: fields.closedAt ? archivist.id : null,
          closedAt: fields.closedAt ?? null,
        },
      });
      await db.paperPacketItem.createMany({ data: items.map((i, k) => ({ packetId: id, claimId: i.claimId, addedAt: new Date(fields.createdAt.getTime() + k * 60_000) })) });
      return { id, code: packetCode(serial) };
    };
    const tick = async (packetId: string, item: Awaited, at: Date) => {
      await db.paperScan.create({ data: { id: stableId("scan", packetId, item.claimId), packetId, claimId: item.claimId, raw: coverSheetCode(item.number), verdict: "expected", scannedById: archivist.id, scannedAt: at } });
      await db.paperOriginal.update({ where: { claimId: item.claimId }, data: { status: "RECEIVED", receivedAt: at, receivedById: archivist.id, packetId, updatedAt: at } });
    };
    const origin = company.code === "HQ" ? "北京总部 前台" : company.code === "SZ" ? "深圳分公司 三楼前台" : "Hong Kong office, reception";

    // In transit.
    await makePacket("sent-1", take(3), { origin, createdAt: new Date(now.getTime() - 2 * DAY), carrier: "顺丰速运 SF Express", tracking: `SF14${company.code === "HQ" ? "1" : "2"}0278849301`, sentAt: new Date(now.getTime() - 2 * DAY + 3_600_000) });
    await makePacket("sent-2", take(2), { origin, createdAt: new Date(now.getTime() - DAY), carrier: "EMS", tracking: `EK${company.code === "HQ" ? "5" : "6"}23109876CN`, sentAt: new Date(now.getTime() - DAY + 7_200_000) });

    // At the desk now: half ticked.
    const receiving = take(4);
    const receivingAt = new Date(now.getTime() - 3_600_000);
    const r = await makePacket("receiving", receiving, { origin, createdAt: new Date(now.getTime() - 4 * DAY), carrier: "顺丰速运 SF Express", tracking: `SF15${company.code === "HQ" ? "1" : "2"}0311220087`, sentAt: new Date(now.getTime() - 4 * DAY), receivingAt });
    await db.paperScan.create({ data: { id: stableId("scan", r.id, "open"), packetId: r.id, raw: r.code, verdict: "packet_opened", scannedById: archivist.id, scannedAt: receivingAt } });
    for (const [k, item] of receiving.slice(0, 2).entries()) await tick(r.id, item, new Date(receivingAt.getTime() + (k + 1) * 60_000));

    // Closed last week: one claim missing, one without its receipt R2.
    const closedItems = take(4);
    const closedAt = new Date(now.getTime() - 6 * DAY);
    const closed = await makePacket("closed", closedItems, { origin, createdAt: new Date(now.getTime() - 9 * DAY), carrier: "EMS", tracking: `EK${company.code === "HQ" ? "7" : "8"}70012345CN`, sentAt: new Date(now.getTime() - 9 * DAY), receivingAt: new Date(closedAt.getTime() - 1_800_000) });
    const dueOn = resendDueOn(closedAt, company.resendWorkingDays, cal);
    const [gone, short, ...fine] = closedItems;
    for (const [k, item] of [short!, ...fine].entries()) await tick(closed.id, item, new Date(closedAt.getTime() - 1_500_000 + k * 60_000));
    if (short!.receiptCount >= 2) {
      await db.paperScan.create({ data: { id: stableId("scan", closed.id, short!.claimId, "R2"), packetId: closed.id, claimId: short!.claimId, raw: "-R2", verdict: "receipts_missing", scannedById: archivist.id, scannedAt: new Date(closedAt.getTime() - 1_400_000) } });
    }
    const raise = async (item: Awaited, kind: "MISSING" | "RECEIPTS", missingReceipts: number[]) => {
      await db.paperDiscrepancy.create({
        data: { id: stableId("discrepancy", closed.id, item.claimId), claimId: item.claimId, packetId: closed.id, kind, missingReceipts, raisedById: archivist.id, raisedAt: closedAt, resendDueOn: new Date(`${dueOn}T00:00:00Z`) },
      });
      await db.paperOriginal.update({ where: { claimId: item.claimId }, data: { status: "DISCREPANCY", resendDueOn: new Date(`${dueOn}T00:00:00Z`), updatedAt: closedAt } });
      await db.notification.create({
        data: {
          id: stableId("notification", closed.id, item.claimId),
          userId: item.claimantId,
          kind: kind === "MISSING" ? "paper.missing" : "paper.receipts",
          data: { claimNumber: item.number, claimId: item.claimId, packetCode: closed.code, receipts: missingReceipts.map((n) => `R${n}`).join(", "), dueOn },
          createdAt: closedAt,
        },
      });
    };
    await raise(gone!, "MISSING", []);
    if (short!.receiptCount >= 2) await raise(short!, "RECEIPTS", [2]);
    await db.paperPacket.update({ where: { id: closed.id }, data: { status: "CLOSED", closedAt, closedById: archivist.id } });
    await db.paperScan.create({ data: { id: stableId("scan", closed.id, "close"), packetId: closed.id, raw: "CLOSE", verdict: "closed", scannedById: archivist.id, scannedAt: closedAt } });
  }

  // The demo employee is packing their own originals.
  const mine = awaited.filter((a) => a.claimantId === demoEmployee?.id).slice(0, 2);
  if (mine.length > 0) {
    const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT nextval('paper_packet_serial_seq') AS n`;
    const serial = Number(row!.n);
    const id = stableId("packet", "demo-employee");
    await db.paperPacket.create({ data: { id, code: packetCode(serial), serial, companyId: mine[0]!.companyId, origin: "北京总部 政企客户部", createdById: mine[0]!.claimantId, createdAt: new Date(now.getTime() - 3_600_000) } });
    await db.paperPacketItem.createMany({ data: mine.map((m) => ({ packetId: id, claimId: m.claimId })) });
  }
}
