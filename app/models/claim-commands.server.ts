/**
 * Everything a claimant does to a claim. Each command is one transaction that also appends its
 * audit event; status changes go through the domain state machine.
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { canEditClaim } from "~/domain/claim-access";
import { checkClaimOrg, validateForSubmit, type ClaimInput, type FieldErrors, type LineInput } from "~/domain/claim-input";
import { transition, type ClaimStatus } from "~/domain/claim-machine";
import type { UploadQuotaLimits } from "~/domain/upload-quota";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { discardUploads, type AcceptedUpload } from "~/utils/upload.server";
import { openApprovalTask } from "./approval.server";
import { recordAudit } from "./audit.server";
import { budgetCheckAuditData, releaseClaim, reserveForSubmission, type BudgetCheck } from "./budget-ledger.server";
import { emitTaskEvents } from "./task-events.server";
import { getClaimOrgChoices } from "./org.server";
import { openPaperOriginal } from "./paper-originals.server";
import { proposedLineInput } from "./line-proposal.server";
import { claimInvoicesForSubmission } from "./receipt-reading.server";
import { storeReceiptFile, storeUploadedOriginals } from "./stored-file.server";
import { assertUploadQuota, lockUploadQuota, recordUploads } from "./upload-usage.server";

/** The AppError codes the claimant's commands throw; "invalid" names the fields at fault (`lines.0.amount`). */
export type ClaimCommandErrorCode = "not_found" | "not_editable" | "stale" | "invalid" | "budget_exceeded" | "duplicate_invoice" | "proposal_gone" | "proposal_incomplete";

function refuse(code: ClaimCommandErrorCode, fieldErrors?: FieldErrors): AppError<ClaimCommandErrorCode> {
  return new AppError(code, { fieldErrors });
}

const EDITABLE: ClaimStatus[] = ["DRAFT", "RETURNED"];

export async function nextClaimNumber(tx: Tx, now: Date): Promise<string> {
  const [row] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('claim_number_seq') AS n`;
  return `EC${now.getUTCFullYear()}${String(row!.n).padStart(6, "0")}`;
}

export async function createDraft({
  viewer,
  purpose,
  companyId,
  departmentId,
}: {
  viewer: Actor;
  purpose: string;
  companyId: string;
  departmentId: string;
}): Promise<{ id: string; number: string }> {
  return prisma.$transaction(async (tx) => {
    await assertOrgUnits(tx, viewer.id, companyId, departmentId);
    const now = new Date();
    const claim = await tx.claim.create({
      data: {
        id: newId(),
        number: await nextClaimNumber(tx, now),
        claimantId: viewer.id,
        companyId,
        departmentId,
        purpose: purpose.trim(),
        status: "DRAFT",
      },
      select: { id: true, number: true },
    });
    await recordAudit(tx, { claimId: claim.id, actorId: viewer.id, type: "claim.created", toStatus: "DRAFT" });
    return claim;
  });
}

/** The claim's company and department must be one the claimant's profile allows (checkClaimOrg). */
async function assertOrgUnits(tx: Tx, claimantId: string, companyId: string, departmentId: string): Promise<void> {
  const errors = checkClaimOrg(await getClaimOrgChoices(claimantId, tx), { companyId, departmentId });
  if (Object.keys(errors).length > 0) throw refuse("invalid", errors);
}

/** Locks the claim row and checks the viewer may change it at the version they saw. */
async function lockEditable(tx: Tx, viewer: Actor, claimId: string, version: number) {
  await tx.$executeRaw`SELECT 1 FROM claim WHERE id = ${claimId} FOR UPDATE`;
  const claim = await tx.claim.findUnique({
    where: { id: claimId },
    select: { id: true, status: true, version: true, claimantId: true, claimant: { select: { managerId: true } } },
  });
  if (!claim) throw refuse("not_found");
  const facts = { claimantId: claim.claimantId, status: claim.status, claimantManagerId: claim.claimant.managerId };
  if (claim.claimantId !== viewer.id) throw refuse("not_found");
  if (!canEditClaim(viewer, facts)) throw refuse("not_editable");
  if (claim.version !== version) throw refuse("stale");
  return claim;
}

/** A line as its table stores it (the date is a calendar day, kept at UTC midnight). */
export function lineColumns(l: Omit<LineInput, "id" | "receiptIds">, position: number) {
  return {
    position,
    spentOn: new Date(`${l.spentOn}T00:00:00Z`),
    categoryCode: l.categoryCode,
    merchant: l.merchant,
    amountMinor: l.amountMinor,
    currency: l.currency,
    note: l.note,
    invoiceKind: l.invoiceKind ?? "NONE",
    taxMinor: l.taxMinor ?? null,
    transportMode: l.invoiceKind === "TRANSPORT_TICKET" ? (l.transportMode ?? null) : null,
  };
}

async function writeLines(tx: Tx, claimId: string, input: ClaimInput): Promise<void> {
  const errors: FieldErrors = {};
  const [categories, receipts, existing] = await Promise.all([
    tx.expenseCategory.findMany({ select: { code: true } }),
    tx.receipt.findMany({ where: { claimId }, select: { id: true } }),
    tx.claimLine.findMany({ where: { claimId }, select: { id: true } }),
  ]);
  const categoryCodes = new Set(categories.map((c) => c.code));
  const receiptIds = new Set(receipts.map((r) => r.id));
  const lineIds = new Set(existing.map((l) => l.id));
  input.lines.forEach((l, i) => {
    if (!categoryCodes.has(l.categoryCode)) errors[`lines.${i}.categoryCode`] = "unknown";
    if (l.receiptIds.some((id) => !receiptIds.has(id))) errors[`lines.${i}.receipts`] = "unknown";
    if (l.id && !lineIds.has(l.id)) errors[`lines.${i}.id`] = "unknown";
  });
  if (Object.keys(errors).length > 0) throw refuse("invalid", errors);

  const keep = new Set(input.lines.flatMap((l) => (l.id ? [l.id] : [])));
  await tx.claimLine.deleteMany({ where: { claimId, id: { notIn: [...keep] } } });
  for (const [position, l] of input.lines.entries()) {
    const data = lineColumns(l, position);
    const id = l.id ?? newId();
    if (l.id) await tx.claimLine.update({ where: { id }, data });
    else await tx.claimLine.create({ data: { id, claimId, ...data } });
    await tx.lineReceipt.deleteMany({ where: { lineId: id } });
    if (l.receiptIds.length > 0) {
      await tx.lineReceipt.createMany({ data: l.receiptIds.map((receiptId) => ({ lineId: id, receiptId })) });
    }
  }
}

/**
 * Saves the header and lines of a draft or returned claim; with `submit`, also submits it, all in one
 * transaction: the lines' budget is reserved (or the whole submission refused with AppError
 * "budget_exceeded" past a cell's hard stop) and the first approval task opened.
 */
export async function saveClaim({
  viewer,
  claimId,
  version,
  input,
  submit,
  acceptProposal,
  today = new Date().toISOString().slice(0, 10),
  db = prisma,
}: {
  viewer: Actor;
  claimId: string;
  version: number;
  input: ClaimInput;
  submit: boolean;
  /** Issue 14: a receipt whose proposed line (built from its stored reading) is added to `input`'s lines. */
  acceptProposal?: string;
  today?: string;
  /** The client to run on (tests pass a wider pool so fifty submissions really run at once). */
  db?: Db;
}): Promise<{ status: ClaimStatus; version: number; budget: BudgetCheck | null }> {
  return db.$transaction(async (tx) => {
    const claim = await lockEditable(tx, viewer, claimId, version);
    await assertOrgUnits(tx, claim.claimantId, input.companyId, input.departmentId);
    let fromReading: Awaited<ReturnType<typeof proposedLineInput>>["audit"] | undefined;
    if (acceptProposal !== undefined) {
      const proposed = await proposedLineInput(tx, claimId, acceptProposal, input.lines);
      input = { ...input, lines: [...input.lines, proposed.line] };
      fromReading = proposed.audit;
    }
    await writeLines(tx, claimId, input);
    let status = claim.status;
    if (submit) {
      const receipts = await tx.receipt.findMany({
        where: { claimId },
        select: { id: true, file: { select: { status: true } } },
      });
      const errors = validateForSubmit({
        purpose: input.purpose,
        lines: input.lines,
        receipts: receipts.map((r) => ({ id: r.id, status: r.file.status })),
        today,
      });
      if (Object.keys(errors).length > 0) throw refuse("invalid", errors);
      const moved = transition(claim.status, claim.status === "RETURNED" ? "resubmit" : "submit");
      if (!moved.ok) throw refuse("not_editable");
      status = moved.to;
      // Issue 14: one invoice, one payment: its invoices are claimed for this claim, or the submission is refused.
      await claimInvoicesForSubmission(tx, viewer, claimId);
    }
    const submittedAt = new Date();
    const updated = await tx.claim.update({
      where: { id: claimId },
      data: {
        purpose: input.purpose,
        companyId: input.companyId,
        departmentId: input.departmentId,
        ...(input.projectCode !== undefined ? { projectCode: input.projectCode } : {}),
        version: { increment: 1 },
        // Reset until the reservation below names this round's budget owners.
        ...(submit ? { status, submittedAt, budgetApproverIds: [] } : {}),
      },
      select: { version: true },
    });
    // The paper originals are owed from the first submission on; a resubmission keeps that row.
    if (submit) await openPaperOriginal(tx, { id: claimId, companyId: input.companyId, submittedAt });
    // A month-end rush queues every submission of a hot budget cell on the cell's lock, and every audited
    // change on the audit chain's head (held from the first event to the commit). So the slow part — the
    // approval task with the claim's facts — comes first, then the cells are locked and reserved (before
    // the chain, in every transaction), and the audit events come last.
    if (submit) await openApprovalTask(tx, claimId, updated.version);
    const budget = submit ? await reserveForSubmission(tx, { claimId, version: updated.version, actorId: viewer.id }) : null;
    if (budget && budget.approverIds.length > 0) await assignBudgetOwnerIfNobodyElse(tx, claimId, budget.approverIds[0]!);
    await recordAudit(tx, {
      claimId,
      actorId: viewer.id,
      type: "claim.saved",
      data: { lines: input.lines.length, ...(fromReading ? { lineFromReading: fromReading } : {}) },
    });
    if (submit) {
      await recordAudit(tx, {
        claimId,
        actorId: viewer.id,
        type: claim.status === "RETURNED" ? "claim.resubmitted" : "claim.submitted",
        fromStatus: claim.status,
        toStatus: status,
        ...(budget ? { data: { budget: budgetCheckAuditData(budget) } } : {}),
      });
    }
    return { status, version: updated.version, budget };
  }, SUBMIT_TX);
}

/**
 * The first approval step was opened before the budget owners were known: when nobody else can approve
 * (no manager, no head), the first budget owner takes it.
 */
async function assignBudgetOwnerIfNobodyElse(tx: Tx, claimId: string, ownerId: string): Promise<void> {
  await tx.task.updateMany({ where: { claimId, type: "MANAGER_APPROVAL", status: "OPEN", step: 1, assigneeId: null }, data: { assigneeId: ownerId } });
}

/**
 * A month-end rush queues submissions on a hot budget cell's lock and on the pool: they wait their turn
 * rather than fail after Prisma's 2 s / 5 s defaults.
 */
const SUBMIT_TX = { maxWait: 15_000, timeout: 20_000 };

/**
 * The claimant takes back a claim nobody has decided yet (SUBMITTED) or one returned to them: its open
 * approval tasks are cancelled, whatever it still holds of the budget is released, the version moves.
 */
export async function withdrawClaim({ viewer, claimId, version }: { viewer: Actor; claimId: string; version: number }): Promise<{ status: ClaimStatus; version: number }> {
  return prisma.$transaction(async (tx) => {
    const [claim] = await tx.$queryRaw<{ claimant_id: string; status: ClaimStatus; version: number }[]>`
      SELECT claimant_id, status::text AS status, version FROM claim WHERE id = ${claimId} FOR UPDATE`;
    if (!claim || claim.claimant_id !== viewer.id) throw refuse("not_found");
    if (claim.version !== version) throw refuse("stale");
    const moved = transition(claim.status, "withdraw");
    if (!moved.ok) throw refuse("not_editable");
    const now = new Date();
    const open = await tx.task.findMany({ where: { claimId, type: "MANAGER_APPROVAL", status: { in: ["OPEN", "IN_PROGRESS"] } }, select: { id: true } });
    if (open.length > 0) {
      await tx.task.updateMany({ where: { id: { in: open.map((t) => t.id) } }, data: { status: "CANCELLED", finishedAt: now } });
      await emitTaskEvents(tx, open.map((t) => t.id), "cancelled", now);
    }
    const updated = await tx.claim.update({ where: { id: claimId }, data: { status: moved.to, version: { increment: 1 } }, select: { version: true } });
    const { releasedMinor } = await releaseClaim(tx, { claimId, version: updated.version, actorId: viewer.id, reason: "withdrawn" });
    await recordAudit(tx, {
      claimId,
      actorId: viewer.id,
      type: "claim.withdrawn",
      fromStatus: claim.status,
      toStatus: moved.to,
      data: { cancelledTaskIds: open.map((t) => t.id), releasedMinor: releasedMinor.toString() },
    });
    return { status: moved.to, version: updated.version };
  });
}

/** Checked before an upload is read, so a refused request stores nothing. */
export async function assertReceiptsEditable({ viewer, claimId }: { viewer: Actor; claimId: string }): Promise<void> {
  const claim = await prisma.claim.findUnique({ where: { id: claimId }, select: { claimantId: true, status: true } });
  if (!claim || claim.claimantId !== viewer.id) throw refuse("not_found");
  if (!EDITABLE.includes(claim.status)) throw refuse("not_editable");
}

/**
 * Stores uploaded originals (once per content hash) and attaches them to the claim as receipts: one
 * transaction for the whole request, so either every file is attached, counted and audited, or none is.
 * The claim row is locked and checked editable inside it (a submission that committed after the early
 * check wins); the user's upload allowance is checked and written under a per-user lock. Whatever
 * happens, no temp file of `uploads` is left behind.
 */
export async function attachReceipts({
  viewer,
  claimId,
  uploads,
  quota,
  now = new Date(),
}: {
  viewer: Actor;
  claimId: string;
  uploads: AcceptedUpload[];
  /** Default: env.UPLOAD_FILES_PER_HOUR / UPLOAD_BYTES_PER_DAY. */
  quota?: UploadQuotaLimits;
  now?: Date;
}): Promise<{ id: string; fileName: string }[]> {
  if (uploads.length === 0) {
    await assertReceiptsEditable({ viewer, claimId });
    return [];
  }
  try {
    // Bytes to the object store first, rows after: a store that is down fails the request before any row
    // is written, and no row lock is held while bytes travel. The allowance is checked (unlocked) first so a
    // refused request stores nothing; it is checked again, locked, in the transaction.
    const request = { files: uploads.length, bytes: uploads.reduce((n, u) => n + u.sizeBytes, 0) };
    await assertUploadQuota(prisma, { userId: viewer.id, limits: quota, now, request });
    await storeUploadedOriginals(uploads);
    return await prisma.$transaction(
      async (tx) => {
        await lockReceiptsEditable(tx, viewer, claimId);
        await lockUploadQuota(tx, viewer.id);
        await assertUploadQuota(tx, { userId: viewer.id, limits: quota, now, request });
        const added: { id: string; fileName: string }[] = [];
        for (const upload of uploads) {
          await storeReceiptFile(tx, upload);
          const row = await tx.receipt.create({
            data: { id: newId(), claimId, fileSha256: upload.sha256, fileName: upload.fileName, uploadedById: viewer.id },
            select: { id: true, fileName: true },
          });
          await recordAudit(tx, {
            claimId,
            actorId: viewer.id,
            type: "receipt.added",
            data: { receiptId: row.id, fileName: upload.fileName, sha256: upload.sha256 },
          });
          added.push(row);
        }
        await recordUploads(tx, { userId: viewer.id, claimId, uploads });
        return added;
      },
      // Moving 20 files into place and their rows: more than Prisma's 5 s default on a busy disk.
      { timeout: 30_000, maxWait: 10_000 },
    );
  } finally {
    // Files moved into originals/ are gone from tmp already; the rest (refused, rolled back) go now.
    await discardUploads(uploads);
  }
}

/** The claim row, locked until the transaction ends; refused unless it is the viewer's and still editable. */
async function lockReceiptsEditable(tx: Tx, viewer: Actor, claimId: string): Promise<void> {
  const [claim] = await tx.$queryRaw<{ claimant_id: string; status: ClaimStatus }[]>`
    SELECT claimant_id, status::text AS status FROM claim WHERE id = ${claimId} FOR UPDATE`;
  if (!claim || claim.claimant_id !== viewer.id) throw refuse("not_found");
  if (!EDITABLE.includes(claim.status)) throw refuse("not_editable");
}

/** Issue 14: the claimant dismisses the line a receipt's reading proposes; it is not offered again. */
export async function dismissProposal({ viewer, claimId, receiptId }: { viewer: Actor; claimId: string; receiptId: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await lockReceiptsEditable(tx, viewer, claimId);
    const receipt = await tx.receipt.findFirst({ where: { id: receiptId, claimId }, select: { fileName: true, proposalDismissedAt: true } });
    if (!receipt) throw refuse("not_found");
    if (receipt.proposalDismissedAt) return; // dismissed already: nothing changes, nothing to record
    await tx.receipt.update({ where: { id: receiptId }, data: { proposalDismissedAt: new Date() } });
    await recordAudit(tx, { claimId, actorId: viewer.id, type: "receipt.proposal_dismissed", data: { receiptId, fileName: receipt.fileName } });
  });
}

export async function removeReceipt({ viewer, claimId, receiptId }: { viewer: Actor; claimId: string; receiptId: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // Locked like an attach: a receipt cannot leave a claim that is being submitted.
    await lockReceiptsEditable(tx, viewer, claimId);
    const receipt = await tx.receipt.findFirst({ where: { id: receiptId, claimId }, select: { fileName: true } });
    if (!receipt) throw refuse("not_found");
    await tx.receipt.delete({ where: { id: receiptId } });
    await recordAudit(tx, { claimId, actorId: viewer.id, type: "receipt.removed", data: { receiptId, fileName: receipt.fileName } });
  });
}

/**
 * Throws away a draft that was never submitted. Its history stays: the audit log has no foreign key to
 * the claim, and the discard itself is recorded (with the number, which nothing else keeps).
 */
export async function discardDraft({ viewer, claimId }: { viewer: Actor; claimId: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const [gone] = await tx.$queryRaw<{ number: string }[]>`
      DELETE FROM claim WHERE id = ${claimId} AND claimant_id = ${viewer.id} AND status = 'DRAFT' AND submitted_at IS NULL
      RETURNING number`;
    if (!gone) throw refuse("not_editable");
    await recordAudit(tx, { claimId, actorId: viewer.id, type: "claim.discarded", fromStatus: "DRAFT", data: { number: gone.number } });
  });
}
