import { captureProblems, parseCaptureMeasures } from "~/domain/capture-quality";
import type { Actor } from "~/domain/actor";
import { canEditClaim, claimViewReason, type ClaimAccessFacts, type ViewerScope, type ViewReason } from "~/domain/claim-access";
import { sumByCurrency, totalIn } from "~/domain/money";
import type { ClaimDetail, ClaimLineView, ClaimReceipt } from "~/contracts/claim";
import { prisma, readTogether, type Db, type Tx } from "~/utils/db.server";
import { rateLookupFor } from "./exchange-rate.server";
import { storedFileState } from "./stored-file.server";
import { isoDate } from "~/domain/calendar-date";

const todayStart = () => new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);

/** The processing groups and companies the viewer works on (see app/domain/claim-access.ts). */
export async function getViewerScope(viewerId: string, db: Db | Tx = prisma): Promise<ViewerScope> {
  const [groups, companies] = await readTogether(
    db,
    () => db.groupMember.findMany({ where: { userId: viewerId }, select: { groupId: true } }),
    () => db.userCompany.findMany({ where: { userId: viewerId }, select: { companyId: true } }),
  );
  return { groupIds: groups.map((g) => g.groupId), companyIds: companies.map((c) => c.companyId) };
}

/**
 * The facts the access rules need about one claim, or null when it does not exist: its claimant and
 * their manager, status and company, who was asked to approve it (assignees of its approval tasks,
 * and managers standing in today for the assignee of an OPEN one under a delegation not revoked), the
 * groups its tasks went through and the reviewers of its QA tasks.
 */
export async function getClaimAccessFacts(claimId: string, db: Db | Tx = prisma): Promise<ClaimAccessFacts | null> {
  const claim = await db.claim.findUnique({
    where: { id: claimId },
    select: {
      claimantId: true,
      status: true,
      companyId: true,
      claimant: { select: { managerId: true } },
      tasks: { select: { type: true, status: true, groupId: true, assigneeId: true } },
    },
  });
  if (!claim) return null;
  const approvals = claim.tasks.filter((t) => t.type === "MANAGER_APPROVAL" && t.assigneeId !== null);
  const waitingOn = [...new Set(approvals.filter((t) => t.status === "OPEN").map((t) => t.assigneeId!))];
  const day = todayStart();
  const delegates =
    waitingOn.length === 0
      ? []
      : await db.approvalDelegation.findMany({
          where: { managerId: { in: waitingOn }, validFrom: { lte: day }, validTo: { gte: day }, revokedAt: null },
          select: { delegateId: true },
        });
  return {
    claimantId: claim.claimantId,
    claimantManagerId: claim.claimant.managerId,
    status: claim.status,
    companyId: claim.companyId,
    approverIds: [...new Set([...approvals.map((t) => t.assigneeId!), ...delegates.map((d) => d.delegateId)])],
    groupIds: [...new Set(claim.tasks.flatMap((t) => (t.groupId ? [t.groupId] : [])))],
    qaReviewerIds: [...new Set(claim.tasks.flatMap((t) => (t.type === "QA" && t.assigneeId ? [t.assigneeId] : [])))],
  };
}

/**
 * Whether `viewer` may see the claim: the one check every claim-level loader, action and the receipt
 * file route go through. Null when the claim does not exist or the viewer may not see it (both are a 404).
 */
export async function claimAccessFor(
  { claimId, viewer }: { claimId: string; viewer: Actor },
  db: Db | Tx = prisma,
): Promise<ClaimAccess | null> {
  const facts = await getClaimAccessFacts(claimId, db);
  if (!facts) return null;
  // The claimant needs no scope; everybody else's is read only when the cheap rules did not decide.
  const reason = claimViewReason({ ...viewer, groupIds: [], companyIds: [] }, facts) ?? claimViewReason({ ...viewer, ...(await getViewerScope(viewer.id, db)) }, facts);
  return reason ? { claimId, viewerId: viewer.id, facts, reason } : null;
}

/** A granted access: which claim, to whom, on what facts and why (from claimAccessFor). */
export type ClaimAccess = { claimId: string; viewerId: string; facts: ClaimAccessFacts; reason: ViewReason };

/**
 * How long after an upload a receipt imaged but not yet read counts as "being read" (the draft page polls
 * for its proposal meanwhile): a reading queue behind a pile of uploads takes a minute or two; past this the
 * page stops asking (the proposal still appears on the next visit).
 */
export const READING_WAIT_MS = 5 * 60_000;

/**
 * A claim with everything its pages show, or null when it does not exist or the viewer may not see it.
 * Pass the transaction when called inside one, so it does not wait for a second pool connection. A page
 * that checked the access itself first (to read other things of the claim beside this) passes it as
 * `access`: it counts only for the same claim and viewer, otherwise the access is checked here again.
 */
export async function getClaimDetail({ claimId, viewer, access }: { claimId: string; viewer: Actor; access?: ClaimAccess }, db: Db | Tx = prisma): Promise<ClaimDetail | null> {
  // Access first: nothing of a claim the viewer may not see is read.
  const granted = access !== undefined && access.claimId === claimId && access.viewerId === viewer.id;
  if (!granted && !(await claimAccessFor({ claimId, viewer }, db))) return null;
  const claim = await db.claim.findUnique({
    where: { id: claimId },
    include: {
      claimant: { select: { id: true, name: true, email: true, managerId: true } },
      company: { select: { id: true, code: true, name: true, nameZh: true, currency: true } },
      department: { select: { id: true, code: true, name: true, nameZh: true } },
      lines: {
        orderBy: { position: "asc" },
        include: { category: true, receipts: { orderBy: [{ receipt: { createdAt: "asc" } }, { receiptId: "asc" }], select: { receiptId: true } } },
      },
      receipts: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        include: { file: { include: { reading: { select: { readAt: true } } } }, lines: { orderBy: [{ line: { position: "asc" } }, { lineId: "asc" }], select: { lineId: true } } },
      },
    },
  });
  if (!claim) return null;

  const lines: ClaimLineView[] = claim.lines.map((l) => ({
    id: l.id,
    position: l.position,
    spentOn: isoDate(l.spentOn),
    categoryCode: l.categoryCode,
    categoryName: l.category.name,
    categoryNameZh: l.category.nameZh,
    merchant: l.merchant,
    amount: { minor: l.amountMinor, currency: l.currency },
    approvedMinor: l.approvedMinor,
    note: l.note,
    receiptIds: l.receipts.map((r) => r.receiptId),
    invoiceKind: l.invoiceKind,
    taxMinor: l.taxMinor,
    transportMode: l.transportMode,
  }));
  const now = new Date();
  const receipts: ClaimReceipt[] = claim.receipts.map((r) => {
    const file = storedFileState(r.file);
    return {
      id: r.id,
      fileName: r.fileName,
      mimeType: r.file.mimeType,
      status: file.status,
      failureCode: file.failureCode,
      failureReason: file.failureReason,
      pages: file.pages,
      lineIds: r.lines.map((l) => l.lineId),
      createdAt: r.createdAt,
      captureProblems: file.status === "READY" ? captureProblems(parseCaptureMeasures(r.file.capture)) : [],
      readingPending: file.status === "READY" && r.file.reading === null && now.getTime() - r.createdAt.getTime() < READING_WAIT_MS,
    };
  });
  const items = lines.map((l) => ({ ...l.amount, onDate: l.spentOn }));
  const rateFor = await rateLookupFor(items, claim.company.currency);
  const { total: companyTotal, missingRates } = totalIn(items, claim.company.currency, rateFor);
  const { managerId: _m, ...claimant } = claim.claimant;
  return {
    id: claim.id,
    number: claim.number,
    status: claim.status,
    version: claim.version,
    purpose: claim.purpose,
    projectCode: claim.projectCode,
    submittedAt: claim.submittedAt,
    createdAt: claim.createdAt,
    updatedAt: claim.updatedAt,
    claimant,
    company: claim.company,
    department: claim.department,
    lines,
    receipts,
    totals: sumByCurrency(lines.map((l) => l.amount)),
    companyTotal,
    missingRates,
    canEdit: canEditClaim(viewer, claim),
    isClaimant: claim.claimantId === viewer.id,
  };
}
