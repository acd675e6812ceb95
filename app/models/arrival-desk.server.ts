/**
 * The SSC mail room's arrival desk: every line the scanner (or a person) types is one transaction that
 * writes its paper_scan row and, when something changes, the change and its audit event.
 *
 * - A packet code opens that packet (RECEIVING) and shows its manifest.
 * - A cover-sheet code is judged against the open packet (paper-trail.ts judgeCoverSheet); an arrival is
 *   recorded at once (the original RECEIVED, or received as resent after a discrepancy, which resolves it).
 *   With no packet open it is loose mail, received all the same.
 * - `-R2` marks receipt R2 of the last ticked claim as not in the envelope (`+R2` takes it back).
 * - CLOSE closes the open packet: what the manifest lists and never arrived, what arrived unlisted and the
 *   receipts marked missing become discrepancies, with a date to resend; the claimant (and the accountant
 *   reviewing the claim) are told.
 *
 * Only archive staff work the desk, on the packets and claims of the companies they are assigned to; a
 * code of another company reads as unknown.
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import type { ClaimStatus } from "~/domain/claim-machine";
import { foundReceipts, packetReceivable, readDeskInput, type PacketStatus } from "~/domain/paper-desk";
import {
  assertPaperTransition,
  closingOutcomes,
  discrepancyRecipients,
  judgeCoverSheet,
  packetDiscrepancies,
  resendDueOn,
  type Arrival,
  type PaperStatus,
} from "~/domain/paper-trail";
import { parseWorkCalendar } from "~/domain/work-calendar";
import { prisma, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { notify } from "./notifications.server";
import { isArchiveStaff, staffCompanyIds } from "./archive-staff.server";
import { packetTicks } from "./paper-packets.server";

/** What the desk shows after each line: a verdict (translated on screen), good or not, and its facts. */
export type DeskVerdict =
  | "packet_opened"
  | "packet_resumed"
  | "packet_closed_already"
  | "packet_unknown"
  | "expected"
  | "resent"
  | "loose_received"
  | "duplicate"
  | "other_packet"
  | "not_expected"
  | "already_received"
  | "not_submitted"
  | "unknown"
  | "bad_check"
  | "missing_check"
  | "unrecognised"
  | "empty"
  | "receipts_missing"
  | "receipts_found"
  | "receipts_no_claim"
  | "receipts_out_of_range"
  | "closed"
  | "close_no_packet";

const OK_VERDICTS: readonly DeskVerdict[] = ["packet_opened", "packet_resumed", "expected", "resent", "loose_received", "receipts_missing", "receipts_found", "closed"];

export type DeskItem = { claimId: string; claimNumber: string; claimant: string; receiptCount: number; onManifest: boolean; received: boolean; missingReceipts: number[] };

export type DeskPacket = {
  id: string;
  code: string;
  status: PacketStatus;
  company: { code: string; name: string; nameZh: string };
  origin: string;
  expected: number;
  received: number;
  /** The manifest, then the extras (ticked here, not listed). */
  items: DeskItem[];
};

export type CloseSummary = { missing: string[]; extra: string[]; receipts: { claimNumber: string; missing: number[] }[]; resendDueOn: string | null };

export type DeskResult = {
  ok: boolean;
  verdict: DeskVerdict;
  raw: string;
  claimId: string | null;
  claimNumber: string | null;
  /** The claim `-R…` marks now apply to (the last one ticked), or null. */
  lastClaimId: string | null;
  packet: DeskPacket | null;
  details: Record<string, string | number | string[] | number[]>;
  closed: CloseSummary | null;
};

function assertDeskStaff(viewer: Actor): void {
  if (!isArchiveStaff(viewer)) throw new AppError("forbidden");
}

/** The packet as the desk shows it, or null when it is not one of the viewer's companies. */
export async function deskPacket(db: Tx | typeof prisma, viewer: Actor, packetId: string): Promise<DeskPacket | null> {
  assertDeskStaff(viewer);
  const packet = await db.paperPacket.findUnique({ where: { id: packetId } });
  if (!packet) return null;
  const companies = await staffCompanyIds(db, viewer);
  if (!companies.includes(packet.companyId)) return null;
  const company = await db.company.findUniqueOrThrow({ where: { id: packet.companyId }, select: { code: true, name: true, nameZh: true } });
  const ticks = await packetTicks(db, packetId);
  const listed = await db.paperPacketItem.findMany({ where: { packetId }, orderBy: { addedAt: "asc" }, select: { claimId: true } });
  const listedIds = new Set(listed.map((l) => l.claimId));
  const ids = [...listed.map((l) => l.claimId), ...ticks.order.filter((id) => !listedIds.has(id))];
  const claims = await db.$queryRaw<{ id: string; number: string; claimant: string; receipt_count: number | null }[]>`
    SELECT c.id, c.number, u.name AS claimant, po.receipt_count
    FROM claim c JOIN app_user u ON u.id = c.claimant_id LEFT JOIN paper_original po ON po.claim_id = c.id
    WHERE c.id = ANY(${ids})`;
  const items: DeskItem[] = ids.map((id) => {
    const c = claims.find((x) => x.id === id)!;
    return {
      claimId: id,
      claimNumber: c.number,
      claimant: c.claimant,
      receiptCount: c.receipt_count ?? 0,
      onManifest: listedIds.has(id),
      received: ticks.received.has(id),
      missingReceipts: ticks.missing.get(id) ?? [],
    };
  });
  return {
    id: packet.id,
    code: packet.code,
    status: packet.status as PacketStatus,
    company,
    origin: packet.origin,
    expected: listed.length,
    received: items.filter((i) => i.onManifest && i.received).length,
    items,
  };
}

/** The packet a reloaded desk page resumes: only one being received, of the viewer's companies. */
export async function resumeDeskPacket(viewer: Actor, packetId: string): Promise<DeskPacket | null> {
  const packet = await deskPacket(prisma, viewer, packetId);
  return packet && packet.status === "RECEIVING" ? packet : null;
}

type ScanArgs = {
  viewer: Actor;
  /** The packet open at the desk, if any (the page keeps it). */
  packetId: string | null;
  /** The last claim ticked, for `-R…` marks. */
  lastClaimId: string | null;
  raw: string;
  now?: Date;
};

/** One line typed at the desk: one transaction, one paper_scan row, and the change with its audit event. */
export async function deskScan({ viewer, packetId, lastClaimId, raw, now = new Date() }: ScanArgs): Promise<DeskResult> {
  assertDeskStaff(viewer);
  const text = raw.slice(0, 200);
  const input = readDeskInput(text);
  return prisma.$transaction(async (tx) => {
    const companies = await staffCompanyIds(tx, viewer);
    // The packet the page says is open: only one of the viewer's companies', and only while it is receiving.
    let current: { id: string; code: string; companyId: string; status: PacketStatus } | null = null;
    if (packetId) {
      const [row] = await tx.$queryRaw<{ id: string; code: string; company_id: string; status: string }[]>`
        SELECT id, code, company_id, status FROM paper_packet WHERE id = ${packetId} FOR UPDATE`;
      if (row && companies.includes(row.company_id) && row.status === "RECEIVING") current = { id: row.id, code: row.code, companyId: row.company_id, status: "RECEIVING" };
    }
    const result = (verdict: DeskVerdict, extra: Partial<DeskResult> = {}): Omit<DeskResult, "packet"> & { packetId: string | null } => ({
      ok: OK_VERDICTS.includes(verdict),
      verdict,
      raw: text,
      claimId: null,
      claimNumber: null,
      lastClaimId: current ? lastClaimId : null,
      details: {},
      closed: null,
      packetId: current?.id ?? null,
      ...extra,
    });
    const log = async (verdict: string, claimId: string | null, forPacket: string | null = current?.id ?? null) => {
      await tx.paperScan.create({ data: { id: newId(), packetId: forPacket, claimId, raw: text, verdict, scannedById: viewer.id, scannedAt: now } });
    };

    let out: ReturnType<typeof result>;
    if (input.kind === "close") {
      if (!current) {
        await log("close_no_packet", null);
        out = result("close_no_packet");
      } else {
        const closed = await closePacket(tx, viewer, current, now);
        await log("closed", null);
        out = { ...result("closed", { closed, lastClaimId: null }), packetId: current.id };
      }
    } else if (input.kind === "receipts_missing" || input.kind === "receipts_found") {
      const ticks = current ? await packetTicks(tx, current.id) : null;
      if (!current || !lastClaimId || !ticks?.received.has(lastClaimId)) {
        await log("receipts_no_claim", null);
        out = result("receipts_no_claim");
      } else {
        const original = await tx.paperOriginal.findUniqueOrThrow({ where: { claimId: lastClaimId }, select: { receiptCount: true } });
        const claim = await tx.claim.findUniqueOrThrow({ where: { id: lastClaimId }, select: { number: true } });
        const outside = input.receipts.filter((n) => n > original.receiptCount);
        if (outside.length > 0) {
          await log("receipts_out_of_range", lastClaimId);
          out = result("receipts_out_of_range", { claimId: lastClaimId, claimNumber: claim.number, details: { receipts: outside, count: original.receiptCount } });
        } else {
          await log(input.kind, lastClaimId);
          out = result(input.kind, { claimId: lastClaimId, claimNumber: claim.number, details: { receipts: input.receipts } });
        }
      }
    } else if (input.scan.kind === "packet") {
      const scanned = input.scan;
      const [row] = await tx.$queryRaw<{ id: string; code: string; company_id: string; status: string }[]>`
        SELECT id, code, company_id, status FROM paper_packet WHERE code = ${scanned.code} FOR UPDATE`;
      if (!row || !companies.includes(row.company_id)) {
        await log("packet_unknown", null);
        out = result("packet_unknown", { details: { code: scanned.code } });
      } else if (!packetReceivable(row.status as PacketStatus)) {
        await log("packet_closed_already", null, row.id);
        out = result("packet_closed_already", { details: { code: row.code } });
      } else {
        const resumed = row.status === "RECEIVING";
        if (!resumed) {
          await tx.paperPacket.update({ where: { id: row.id }, data: { status: "RECEIVING", receivingAt: now } });
          await recordAudit(tx, { actorId: viewer.id, type: "paper.packet_receiving", data: { packetId: row.id, code: row.code, from: row.status } });
        }
        current = { id: row.id, code: row.code, companyId: row.company_id, status: "RECEIVING" };
        await log(resumed ? "packet_resumed" : "packet_opened", null);
        out = result(resumed ? "packet_resumed" : "packet_opened", { lastClaimId: null, details: { code: row.code } });
      }
    } else if (input.scan.kind === "cover_sheet") {
      out = await receiveCoverSheet(tx, viewer, companies, current, input.scan.claimNumber, now, log, result);
    } else {
      const verdict: DeskVerdict = input.scan.reason === "bad_check" ? "bad_check" : input.scan.reason === "missing_check" ? "missing_check" : input.scan.reason === "empty" ? "empty" : "unrecognised";
      await log(verdict, null);
      out = result(verdict, { details: { text: input.scan.text } });
    }
    const { packetId: shown, ...rest } = out;
    return { ...rest, packet: shown ? await deskPacket(tx, viewer, shown) : null };
  });
}

type Log = (verdict: string, claimId: string | null, forPacket?: string | null) => Promise<void>;
type Result = (verdict: DeskVerdict, extra?: Partial<DeskResult>) => Omit<DeskResult, "packet"> & { packetId: string | null };

async function receiveCoverSheet(
  tx: Tx,
  viewer: Actor,
  companies: string[],
  current: { id: string; code: string; companyId: string } | null,
  claimNumber: string,
  now: Date,
  log: Log,
  result: Result,
): Promise<ReturnType<Result>> {
  const claim = await tx.claim.findUnique({ where: { number: claimNumber }, select: { id: true, companyId: true } });
  const mine = claim && companies.includes(claim.companyId) ? claim : null;
  // The originals' row is locked: a second scan of the same sheet waits and then sees it received.
  const [original] = mine ? await tx.$queryRaw<{ status: string }[]>`SELECT status FROM paper_original WHERE claim_id = ${mine.id} FOR UPDATE` : [];
  const holders = mine
    ? await tx.$queryRaw<{ code: string }[]>`
        SELECT p.code FROM paper_packet_item i JOIN paper_packet p ON p.id = i.packet_id WHERE i.claim_id = ${mine.id} AND p.status <> 'CLOSED' ORDER BY p.created_at`
    : [];
  let open = null;
  if (current) {
    const manifest = await tx.$queryRaw<{ number: string }[]>`SELECT c.number FROM paper_packet_item i JOIN claim c ON c.id = i.claim_id WHERE i.packet_id = ${current.id}`;
    const ticks = await packetTicks(tx, current.id);
    const tickedNumbers = ticks.order.length ? await tx.claim.findMany({ where: { id: { in: ticks.order } }, select: { number: true } }) : [];
    open = { code: current.code, manifest: manifest.map((m) => m.number), received: tickedNumbers.map((t) => t.number) };
  }
  const judged = judgeCoverSheet(claimNumber, open, mine ? { known: true, packetCodes: holders.map((h) => h.code) } : { known: false });
  const base = { claimId: mine?.id ?? null, claimNumber };
  if (!judged.record) {
    await log(judged.verdict, mine?.id ?? null);
    return result(judged.verdict, base);
  }
  // judgeCoverSheet records only a known claim.
  const claimId = mine!.id;
  if (!original) {
    await log("not_submitted", claimId);
    return result("not_submitted", base);
  }
  const status = original.status as PaperStatus;
  if (status === "RECEIVED" || status === "ARCHIVED") {
    await log("already_received", claimId);
    return result("already_received", { ...base, details: { status } });
  }
  const action = status === "DISCREPANCY" ? "receiveResent" : "receive";
  const to = assertPaperTransition(status, action);
  await tx.paperOriginal.update({ where: { claimId }, data: { status: to, receivedAt: now, receivedById: viewer.id, packetId: current?.id ?? null, updatedAt: now } });
  if (action === "receiveResent") {
    // What was owed has come: the open findings of the desk (not a scan-to-paper DIFFERS finding) are resolved.
    await tx.paperDiscrepancy.updateMany({
      where: { claimId, resolvedAt: null, kind: { in: ["MISSING", "RECEIPTS", "EXTRA"] } },
      data: { resolvedAt: now, resolvedById: viewer.id, resolution: current ? `resent in ${current.code}` : "resent" },
    });
    await tx.paperOriginal.update({ where: { claimId }, data: { resendDueOn: null } });
  }
  await recordAudit(tx, {
    claimId,
    actorId: viewer.id,
    type: action === "receiveResent" ? "paper.original_resent" : "paper.original_received",
    data: { from: status, to, packetId: current?.id ?? null, packetCode: current?.code ?? null, verdict: judged.verdict },
  });
  // The scan's verdict keeps what the desk judged (the packet's ticks read it); a resend is its own.
  const verdict: DeskVerdict = action === "receiveResent" ? "resent" : judged.verdict === "not_expected" && !current ? "loose_received" : judged.verdict;
  await log(verdict === "loose_received" ? "not_expected" : verdict, claimId);
  return result(verdict, { ...base, lastClaimId: current ? claimId : null, details: judged.verdict === "other_packet" ? { packetCode: judged.packetCode } : {} });
}

/**
 * Closes a RECEIVING packet: discrepancies for what is missing, extra or short of receipts, the originals'
 * states per closingOutcomes, notices to the people concerned, the packet CLOSED.
 */
async function closePacket(tx: Tx, viewer: Actor, packet: { id: string; code: string; companyId: string }, now: Date): Promise<CloseSummary> {
  const company = await tx.company.findUniqueOrThrow({ where: { id: packet.companyId }, select: { calendar: true, resendWorkingDays: true } });
  const dueOn = resendDueOn(now, company.resendWorkingDays, parseWorkCalendar(company.calendar));
  const listed = await tx.$queryRaw<{ id: string; number: string }[]>`SELECT c.id, c.number FROM paper_packet_item i JOIN claim c ON c.id = i.claim_id WHERE i.packet_id = ${packet.id}`;
  const ticks = await packetTicks(tx, packet.id);
  const involvedIds = [...new Set([...listed.map((l) => l.id), ...ticks.order])];
  const claims = await tx.$queryRaw<{ id: string; number: string; claimant_id: string; status: ClaimStatus; reviewer_id: string | null; paper_status: string | null; receipt_count: number | null }[]>`
    SELECT c.id, c.number, c.claimant_id, c.status::text AS status,
           (SELECT t.assignee_id FROM task t WHERE t.claim_id = c.id AND t.type = 'REVIEW' AND t.status = 'IN_PROGRESS' ORDER BY t.created_at DESC LIMIT 1) AS reviewer_id,
           po.status AS paper_status, po.receipt_count
    FROM claim c LEFT JOIN paper_original po ON po.claim_id = c.id
    WHERE c.id = ANY(${involvedIds})
    ORDER BY c.id
    FOR UPDATE OF c`;
  const byNumber = new Map(claims.map((c) => [c.number, c]));
  const byId = new Map(claims.map((c) => [c.id, c]));
  const arrivals: Arrival[] = ticks.order.map((id) => {
    const c = byId.get(id)!;
    return { claimNumber: c.number, receiptCount: c.receipt_count ?? 0, foundReceipts: foundReceipts(c.receipt_count ?? 0, ticks.missing.get(id) ?? []) };
  });
  const found = packetDiscrepancies(
    listed.map((l) => l.number),
    arrivals,
  );
  const outcomes = closingOutcomes(found, arrivals, (n) => (byNumber.get(n)?.paper_status as PaperStatus | undefined) ?? "AWAITING");
  const gaps = new Map(found.receiptGaps.map((g) => [g.claimNumber, g.missing]));
  const summary: CloseSummary = { missing: [], extra: [], receipts: [], resendDueOn: null };

  const tell = async (c: (typeof claims)[number], kind: "paper.missing" | "paper.receipts" | "paper.extra", data: Record<string, string>) => {
    for (const userId of discrepancyRecipients({ claimantId: c.claimant_id, status: c.status, reviewerId: c.reviewer_id })) {
      await notify(tx, userId, kind, { claimNumber: c.number, claimId: c.id, packetCode: packet.code, ...data });
    }
  };

  for (const o of outcomes) {
    const c = byNumber.get(o.claimNumber)!;
    if (!c.paper_status) continue;
    const from = c.paper_status as PaperStatus;
    const to = o.action ? assertPaperTransition(from, o.action) : from;
    if (o.discrepancy) {
      const kind = o.discrepancy === "missing" ? "MISSING" : "RECEIPTS";
      const missingReceipts = kind === "RECEIPTS" ? (gaps.get(o.claimNumber) ?? []) : [];
      await tx.paperDiscrepancy.create({
        data: { id: newId(), claimId: c.id, packetId: packet.id, kind, missingReceipts, raisedById: viewer.id, raisedAt: now, resendDueOn: new Date(`${dueOn}T00:00:00Z`) },
      });
      await tx.paperOriginal.update({ where: { claimId: c.id }, data: { status: to, resendDueOn: new Date(`${dueOn}T00:00:00Z`), updatedAt: now } });
      await recordAudit(tx, { claimId: c.id, actorId: viewer.id, type: "paper.discrepancy_raised", data: { kind, from, to, packetId: packet.id, packetCode: packet.code, missingReceipts, resendDueOn: dueOn } });
      await tell(c, kind === "MISSING" ? "paper.missing" : "paper.receipts", { receipts: missingReceipts.map((n) => `R${n}`).join(", "), dueOn });
      if (kind === "MISSING") summary.missing.push(c.number);
      else summary.receipts.push({ claimNumber: c.number, missing: missingReceipts });
      summary.resendDueOn = dueOn;
    } else if (o.action && to !== from) {
      await tx.paperOriginal.update({ where: { claimId: c.id }, data: { status: to, receivedAt: now, receivedById: viewer.id, packetId: packet.id, updatedAt: now } });
      await recordAudit(tx, { claimId: c.id, actorId: viewer.id, type: "paper.original_received", data: { from, to, packetId: packet.id, packetCode: packet.code } });
    }
  }
  // In the envelope but not on its manifest: received already (at the scan); recorded, and nothing is owed.
  for (const number of found.extraClaims) {
    const c = byNumber.get(number)!;
    await tx.paperDiscrepancy.create({
      data: { id: newId(), claimId: c.id, packetId: packet.id, kind: "EXTRA", raisedById: viewer.id, raisedAt: now, resolvedAt: now, resolvedById: viewer.id, resolution: "received" },
    });
    await recordAudit(tx, { claimId: c.id, actorId: viewer.id, type: "paper.discrepancy_raised", data: { kind: "EXTRA", packetId: packet.id, packetCode: packet.code } });
    await tell(c, "paper.extra", {});
    summary.extra.push(number);
  }
  await tx.paperPacket.update({ where: { id: packet.id }, data: { status: "CLOSED", closedAt: now, closedById: viewer.id } });
  await recordAudit(tx, {
    actorId: viewer.id,
    type: "paper.packet_closed",
    data: { packetId: packet.id, code: packet.code, expected: listed.length, arrived: arrivals.length, missing: summary.missing, extra: summary.extra, receipts: summary.receipts.map((r) => r.claimNumber) },
  });
  return summary;
}
