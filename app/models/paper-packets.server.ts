/**
 * Packets of paper originals on their way to the SSC: made and packed by a branch office clerk or an
 * employee, printed with a manifest, marked sent; opened and closed at the arrival desk
 * (arrival-desk.server.ts).
 *
 * Who may do what:
 * - archive staff (ARCHIVIST, SUPERVISOR, ADMIN) see and pack the packets of the companies they are
 *   assigned to (user_company), with any claim of that company;
 * - anyone else sees and packs only the packets they made, with their own claims only, for their own
 *   company or the company of one of their claims awaiting its originals.
 * A packet outside that is not found.
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { isoDate } from "~/domain/calendar-date";
import { checkSendDetails, claimNumberFromEntry, missingReceiptsFromMarks, originalPackable, packetEditable, packetHolds, readDeskInput, type PacketStatus } from "~/domain/paper-desk";
import { packetCode, type PaperStatus } from "~/domain/paper-trail";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { staffCompanyIds } from "./archive-staff.server";
import type { PacketCompany, PacketDetail } from "~/contracts/paper-packets";
export type { PacketCompany, PacketDetail, PacketItemView } from "~/contracts/paper-packets";



/** The companies the viewer may make a packet for. */
export async function packetCompanies(viewer: Actor & { companyId: string }, db: Db | Tx = prisma): Promise<PacketCompany[]> {
  const ids = new Set(await staffCompanyIds(db, viewer));
  ids.add(viewer.companyId);
  const owed = await db.$queryRaw<{ company_id: string }[]>`
    SELECT DISTINCT po.company_id FROM paper_original po JOIN claim c ON c.id = po.claim_id
    WHERE c.claimant_id = ${viewer.id} AND po.status IN ('AWAITING', 'DISCREPANCY')`;
  for (const r of owed) ids.add(r.company_id);
  return db.company.findMany({ where: { id: { in: [...ids] } }, select: { id: true, code: true, name: true, nameZh: true }, orderBy: { code: "asc" } });
}

type PacketRow = { id: string; code: string; companyId: string; status: PacketStatus; createdById: string };

/** The packet if the viewer may see it (the maker, or archive staff of its company), else null. */
async function visiblePacket(db: Db | Tx, viewer: Actor, packetId: string, lock = false): Promise<PacketRow | null> {
  const rows = lock
    ? await db.$queryRaw<{ id: string; code: string; company_id: string; status: string; created_by_id: string }[]>`
        SELECT id, code, company_id, status, created_by_id FROM paper_packet WHERE id = ${packetId} FOR UPDATE`
    : await db.$queryRaw<{ id: string; code: string; company_id: string; status: string; created_by_id: string }[]>`
        SELECT id, code, company_id, status, created_by_id FROM paper_packet WHERE id = ${packetId}`;
  const row = rows[0];
  if (!row) return null;
  const packet: PacketRow = { id: row.id, code: row.code, companyId: row.company_id, status: row.status as PacketStatus, createdById: row.created_by_id };
  if (packet.createdById === viewer.id) return packet;
  const companies = await staffCompanyIds(db, viewer);
  return companies.includes(packet.companyId) ? packet : null;
}

/** Makes an empty packet (OPEN) for one of the viewer's packet companies; its code comes from the packet sequence. */
export async function createPacket({ viewer, companyId, origin }: { viewer: Actor & { companyId: string }; companyId: string; origin: string }): Promise<{ id: string; code: string }> {
  const trimmedOrigin = origin.trim();
  if (trimmedOrigin.length > 120) throw new AppError("invalid", { fieldErrors: { origin: "too_long" } });
  return prisma.$transaction(async (tx) => {
    const companies = await packetCompanies(viewer, tx);
    if (!companies.some((c) => c.id === companyId)) throw new AppError("invalid", { fieldErrors: { companyId: "not_your_company" } });
    const [row] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('paper_packet_serial_seq') AS n`;
    const serial = Number(row!.n);
    const id = newId();
    const code = packetCode(serial);
    await tx.paperPacket.create({ data: { id, code, serial, companyId, origin: trimmedOrigin, createdById: viewer.id } });
    await recordAudit(tx, { actorId: viewer.id, type: "paper.packet_created", data: { packetId: id, code, companyId } });
    return { id, code };
  });
}

export type AddRefusal = "unreadable" | "not_found" | "other_company" | "not_submitted" | "not_owed" | "in_other_packet" | "already_in_packet" | "not_editable";

/**
 * Adds a claim, by its cover-sheet code or its claim number, to an OPEN packet. Refused (AppError
 * "invalid" with the reason, the claim number and any other packet's code) unless the claim is of the
 * packet's company, submitted, its originals owed (AWAITING or DISCREPANCY), in no other packet that is not
 * yet closed, and — for anyone but archive staff — the viewer's own.
 */
export async function addToPacket({ viewer, packetId, entry }: { viewer: Actor; packetId: string; entry: string }): Promise<{ claimId: string; claimNumber: string }> {
  const claimNumber = claimNumberFromEntry(entry);
  const refuse = (reason: AddRefusal, details: Record<string, unknown> = {}) => new AppError("invalid", { status: 200, reason, fieldErrors: { entry: reason }, details: { entry: entry.trim(), claimNumber, ...details } });
  return prisma.$transaction(async (tx) => {
    const packet = await visiblePacket(tx, viewer, packetId, true);
    if (!packet) throw new AppError("not_found");
    if (!packetEditable(packet.status)) throw refuse("not_editable");
    if (!claimNumber) throw refuse("unreadable");
    const claim = await tx.claim.findUnique({ where: { number: claimNumber }, select: { id: true, claimantId: true, companyId: true } });
    const staff = (await staffCompanyIds(tx, viewer)).includes(packet.companyId);
    // Someone else's claim is not theirs to know of: the same answer as no claim at all.
    if (!claim || (!staff && claim.claimantId !== viewer.id)) throw refuse("not_found");
    if (claim.companyId !== packet.companyId) throw refuse("other_company");
    // The originals' row is locked: two packets cannot take the same claim at once.
    const [original] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM paper_original WHERE claim_id = ${claim.id} FOR UPDATE`;
    if (!original) throw refuse("not_submitted");
    if (!originalPackable(original.status)) throw refuse("not_owed", { status: original.status });
    const holders = await tx.$queryRaw<{ id: string; code: string; status: string }[]>`
      SELECT p.id, p.code, p.status FROM paper_packet_item i JOIN paper_packet p ON p.id = i.packet_id WHERE i.claim_id = ${claim.id}`;
    if (holders.some((h) => h.id === packet.id)) throw refuse("already_in_packet");
    const other = holders.find((h) => packetHolds(h.status as PacketStatus));
    if (other) throw refuse("in_other_packet", { packetCode: other.code });
    await tx.paperPacketItem.create({ data: { packetId: packet.id, claimId: claim.id } });
    await recordAudit(tx, { claimId: claim.id, actorId: viewer.id, type: "paper.packet_item_added", data: { packetId: packet.id, code: packet.code } });
    return { claimId: claim.id, claimNumber };
  });
}

/** Takes a claim out of an OPEN packet. */
export async function removeFromPacket({ viewer, packetId, claimId }: { viewer: Actor; packetId: string; claimId: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const packet = await visiblePacket(tx, viewer, packetId, true);
    if (!packet) throw new AppError("not_found");
    if (!packetEditable(packet.status)) throw new AppError("invalid", { status: 200, reason: "not_editable" });
    const gone = await tx.paperPacketItem.deleteMany({ where: { packetId, claimId } });
    if (gone.count === 0) throw new AppError("not_found");
    await recordAudit(tx, { claimId, actorId: viewer.id, type: "paper.packet_item_removed", data: { packetId, code: packet.code } });
  });
}

/** Marks an OPEN packet with at least one claim sent, with its carrier and tracking number (both required). */
export async function sendPacket({ viewer, packetId, carrier, trackingNumber }: { viewer: Actor; packetId: string; carrier: string; trackingNumber: string }): Promise<void> {
  const details = checkSendDetails(carrier, trackingNumber);
  await prisma.$transaction(async (tx) => {
    const packet = await visiblePacket(tx, viewer, packetId, true);
    if (!packet) throw new AppError("not_found");
    if (!details.ok) throw new AppError("invalid", { status: 200, fieldErrors: details.fieldErrors });
    if (!packetEditable(packet.status)) throw new AppError("invalid", { status: 200, reason: "not_editable" });
    const items = await tx.paperPacketItem.count({ where: { packetId } });
    if (items === 0) throw new AppError("invalid", { status: 200, reason: "empty" });
    await tx.paperPacket.update({ where: { id: packetId }, data: { status: "SENT", carrier: details.carrier, trackingNumber: details.trackingNumber, sentById: viewer.id, sentAt: new Date() } });
    await recordAudit(tx, { actorId: viewer.id, type: "paper.packet_sent", data: { packetId, code: packet.code, carrier: details.carrier, trackingNumber: details.trackingNumber, items } });
  });
}

export type PacketListRow = {
  id: string;
  code: string;
  status: PacketStatus;
  company: PacketCompany;
  origin: string;
  createdBy: string;
  createdAt: string;
  mine: boolean;
  items: number;
  carrier: string | null;
  trackingNumber: string | null;
  sentAt: string | null;
  closedAt: string | null;
};

/** Packets the viewer may see, newest first: `mine` only theirs; `all` also their companies' (archive staff). */
export async function listPackets(viewer: Actor, { scope, status, limit = 100 }: { scope: "mine" | "all"; status?: PacketStatus; limit?: number }, db: Db = prisma): Promise<PacketListRow[]> {
  const companies = scope === "all" ? await staffCompanyIds(db, viewer) : [];
  const rows = await db.paperPacket.findMany({
    where: {
      OR: [{ createdById: viewer.id }, ...(companies.length > 0 ? [{ companyId: { in: companies } }] : [])],
      ...(status ? { status } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { _count: { select: { items: true } } },
  });
  const companyRows = await db.company.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.companyId))] } }, select: { id: true, code: true, name: true, nameZh: true } });
  const makers = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } }, select: { id: true, name: true } });
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    status: r.status as PacketStatus,
    company: companyRows.find((c) => c.id === r.companyId)!,
    origin: r.origin,
    createdBy: makers.find((m) => m.id === r.createdById)?.name ?? "",
    createdAt: r.createdAt.toISOString(),
    mine: r.createdById === viewer.id,
    items: r._count.items,
    carrier: r.carrier,
    trackingNumber: r.trackingNumber,
    sentAt: r.sentAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
  }));
}



/** A packet with its manifest, or null when the viewer may not see it. */
export async function packetDetail(viewer: Actor, packetId: string, db: Db | Tx = prisma): Promise<PacketDetail | null> {
  const packet = await visiblePacket(db, viewer, packetId);
  if (!packet) return null;
  const row = await db.paperPacket.findUniqueOrThrow({ where: { id: packetId } });
  const items = await db.$queryRaw<{ claim_id: string; number: string; claimant: string; purpose: string; receipt_count: number | null; status: string | null }[]>`
    SELECT c.id AS claim_id, c.number, u.name AS claimant, c.purpose, po.receipt_count, po.status
    FROM paper_packet_item i
    JOIN claim c ON c.id = i.claim_id
    JOIN app_user u ON u.id = c.claimant_id
    LEFT JOIN paper_original po ON po.claim_id = c.id
    WHERE i.packet_id = ${packetId}
    ORDER BY i.added_at, c.number`;
  const ticks = await packetTicks(db, packetId);
  const people = await db.user.findMany({ where: { id: { in: [row.createdById, row.sentById, row.closedById].filter((x): x is string => !!x) } }, select: { id: true, name: true } });
  const nameOf = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? "") : null);
  const company = await db.company.findUniqueOrThrow({ where: { id: row.companyId }, select: { id: true, code: true, name: true, nameZh: true } });
  const discrepancies = await db.$queryRaw<{ id: string; number: string; kind: string; missing_receipts: number[]; resend_due_on: Date | null; resolved_at: Date | null }[]>`
    SELECT d.id, c.number, d.kind, d.missing_receipts, d.resend_due_on, d.resolved_at
    FROM paper_discrepancy d JOIN claim c ON c.id = d.claim_id WHERE d.packet_id = ${packetId} ORDER BY d.raised_at, c.number`;
  return {
    id: row.id,
    code: row.code,
    serial: row.serial,
    status: row.status as PacketStatus,
    company,
    origin: row.origin,
    createdBy: nameOf(row.createdById) ?? "",
    createdAt: row.createdAt.toISOString(),
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    sentBy: nameOf(row.sentById),
    sentAt: row.sentAt?.toISOString() ?? null,
    receivingAt: row.receivingAt?.toISOString() ?? null,
    closedBy: nameOf(row.closedById),
    closedAt: row.closedAt?.toISOString() ?? null,
    canEdit: packetEditable(row.status as PacketStatus),
    items: items.map((i) => ({
      claimId: i.claim_id,
      claimNumber: i.number,
      claimant: i.claimant,
      purpose: i.purpose,
      receiptCount: i.receipt_count ?? 0,
      paperStatus: (i.status as PaperStatus | null) ?? null,
      received: ticks.received.has(i.claim_id),
      missingReceipts: ticks.missing.get(i.claim_id) ?? [],
    })),
    discrepancies: discrepancies.map((d) => ({
      id: d.id,
      claimNumber: d.number,
      kind: d.kind,
      missingReceipts: d.missing_receipts,
      resendDueOn: d.resend_due_on ? isoDate(d.resend_due_on) : null,
      resolvedAt: d.resolved_at?.toISOString() ?? null,
    })),
  };
}

/** Scan verdicts that put a claim's originals on the desk for the packet. */
export const RECORDED_VERDICTS = ["expected", "other_packet", "not_expected", "resent"] as const;

/**
 * What the desk has recorded for a packet so far, from its scan log: the claims ticked (in scan order)
 * and, per claim, the receipt numbers marked missing (`-R2`, undone by `+R2`).
 */
export async function packetTicks(db: Db | Tx, packetId: string): Promise<{ received: Map<string, string>; order: string[]; missing: Map<string, number[]> }> {
  const scans = await db.paperScan.findMany({ where: { packetId, claimId: { not: null } }, orderBy: [{ scannedAt: "asc" }, { id: "asc" }], select: { claimId: true, verdict: true, raw: true } });
  const received = new Map<string, string>();
  const order: string[] = [];
  const marks = new Map<string, { missing: boolean; receipts: number[] }[]>();
  for (const s of scans) {
    const claimId = s.claimId!;
    if ((RECORDED_VERDICTS as readonly string[]).includes(s.verdict) && !received.has(claimId)) {
      received.set(claimId, s.verdict);
      order.push(claimId);
    }
    if (s.verdict === "receipts_missing" || s.verdict === "receipts_found") {
      const input = readDeskInput(s.raw);
      const receipts = input.kind === "receipts_missing" || input.kind === "receipts_found" ? input.receipts : [];
      marks.set(claimId, [...(marks.get(claimId) ?? []), { missing: s.verdict === "receipts_missing", receipts }]);
    }
  }
  const missing = new Map<string, number[]>();
  for (const [claimId, m] of marks) {
    const left = missingReceiptsFromMarks(m);
    if (left.length > 0) missing.set(claimId, left);
  }
  return { received, order, missing };
}
