/**
 * Everything a claimant does to a claim. Each command is one transaction that also appends its
 * audit event; status changes go through the domain state machine.
 */
import type { Actor } from "~/domain/actor";
import { AppError } from "~/domain/app-error";
import { canEditClaim } from "~/domain/claim-access";
import { checkClaimOrg, validateForSubmit, type ClaimInput, type FieldErrors, type LineInput, type OrgChoice, type SubmitFacts } from "~/domain/claim-input";
import { transition, type ClaimStatus } from "~/domain/claim-machine";
import type { UploadQuotaLimits } from "~/domain/upload-quota";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { discardUploads, type AcceptedUpload } from "~/utils/upload.server";
import { openApprovalTask } from "./approval.server";
import { auditInsertSql, recordAudit, type AuditInput } from "./audit.server";
import { budgetCheckAuditData, releaseClaim, reserveForSubmission, type BudgetCheck } from "./budget-ledger.server";
import { isoDate } from "~/domain/calendar-date";
import { Prisma } from "~/generated/prisma/client";
import { emitTaskEvents } from "./task-events.server";
import { claimOrgChoicesSql, getClaimOrgChoices } from "./org.server";
import { originalsPolicySql, paperOriginalInsertSql, type OriginalsPolicy } from "./paper-originals.server";
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

/** Locks the claim row and checks the viewer may change it at the version they saw (one statement). */
async function lockEditable(tx: Tx, viewer: Actor, claimId: string, version: number) {
  const [claim] = await tx.$queryRaw<{ status: ClaimStatus; version: number; claimantId: string; claimantManagerId: string | null }[]>`
    SELECT c.status::text AS status, c.version, c.claimant_id AS "claimantId", u.manager_id AS "claimantManagerId"
      FROM claim c JOIN app_user u ON u.id = c.claimant_id
     WHERE c.id = ${claimId}
       FOR UPDATE OF c`;
  if (!claim) throw refuse("not_found");
  if (claim.claimantId !== viewer.id) throw refuse("not_found");
  if (!canEditClaim(viewer, claim)) throw refuse("not_editable");
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

/** What a save checks its input against, read in one statement under the claim's lock. */
type SaveContext = {
  orgChoices: OrgChoice[];
  /** The input's category codes that exist. */
  categories: string[];
  receipts: SubmitFacts["receipts"];
  lineIds: string[];
  /** The company's paper-originals policy (read for a submission only). */
  originals: OriginalsPolicy | null;
};

async function readSaveContext(tx: Tx, claimId: string, claimantId: string, input: ClaimInput, submit: boolean): Promise<SaveContext> {
  const codes = [...new Set(input.lines.map((l) => l.categoryCode))];
  const [row] = await tx.$queryRaw<SaveContext[]>`
    SELECT ${claimOrgChoicesSql(claimantId)} AS "orgChoices",
           ARRAY(SELECT code FROM expense_category WHERE code = ANY(${codes}::text[])) AS categories,
           (SELECT coalesce(json_agg(json_build_object('id', r.id, 'status', f.status)), '[]'::json)
              FROM receipt r JOIN stored_file f ON f.sha256 = r.file_sha256 WHERE r.claim_id = ${claimId}) AS receipts,
           ARRAY(SELECT id FROM claim_line WHERE claim_id = ${claimId}) AS "lineIds",
           ${submit ? originalsPolicySql(input.companyId) : Prisma.sql`NULL::json`} AS originals`;
  return row!;
}

/** Every field at fault in the input against the claimant's profile, the categories, the claim's receipts and lines. */
function checkSaveInput(ctx: SaveContext, input: ClaimInput): void {
  const orgErrors = checkClaimOrg(ctx.orgChoices, input);
  if (Object.keys(orgErrors).length > 0) throw refuse("invalid", orgErrors);
  const errors: FieldErrors = {};
  const categoryCodes = new Set(ctx.categories);
  const receiptIds = new Set(ctx.receipts.map((r) => r.id));
  const lineIds = new Set(ctx.lineIds);
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!categoryCodes.has(l.categoryCode)) errors[`lines.${i}.categoryCode`] = "unknown";
    if (l.receiptIds.some((id) => !receiptIds.has(id))) errors[`lines.${i}.receipts`] = "unknown";
    // A line of another claim, or the same line twice.
    if (l.id && (!lineIds.has(l.id) || seen.has(l.id))) errors[`lines.${i}.id`] = "unknown";
    if (l.id) seen.add(l.id);
  });
  if (Object.keys(errors).length > 0) throw refuse("invalid", errors);
}

/**
 * The lines as `input` has them, as parts of one statement (data-modifying CTEs): lines no longer there
 * deleted (their receipt links go with them), the others inserted or updated in place, each line's
 * receipt links made exactly its `receiptIds`. The parts touch disjoint rows, as one statement requires.
 */
function linesWriteSql(claimId: string, lines: readonly (LineInput & { id: string })[], keep: readonly string[]): Prisma.Sql {
  const cols = lines.map((l, position) => lineColumns(l, position));
  const pairs = lines.flatMap((l) => [...new Set(l.receiptIds)].map((receiptId) => ({ lineId: l.id, receiptId })));
  return Prisma.sql`gone_lines AS (
      DELETE FROM claim_line WHERE claim_id = ${claimId} AND NOT (id = ANY(${keep}::text[]))
    ), written_lines AS (
      INSERT INTO claim_line (id, claim_id, position, spent_on, category_code, merchant, amount_minor, currency, note, invoice_kind, tax_minor, transport_mode)
      SELECT v.id, ${claimId}, v.position, v.spent_on, v.category_code, v.merchant, v.amount_minor, v.currency, v.note, v.invoice_kind, v.tax_minor, v.transport_mode
        FROM unnest(${lines.map((l) => l.id)}::text[], ${cols.map((c) => c.position)}::int[], ${cols.map((c) => isoDate(c.spentOn))}::date[],
                    ${cols.map((c) => c.categoryCode)}::text[], ${cols.map((c) => c.merchant)}::text[], ${cols.map((c) => c.amountMinor.toString())}::bigint[],
                    ${cols.map((c) => c.currency)}::text[], ${cols.map((c) => c.note)}::text[], ${cols.map((c) => c.invoiceKind)}::text[],
                    ${cols.map((c) => c.taxMinor?.toString() ?? null)}::bigint[], ${cols.map((c) => c.transportMode)}::text[])
             AS v (id, position, spent_on, category_code, merchant, amount_minor, currency, note, invoice_kind, tax_minor, transport_mode)
      ON CONFLICT (id) DO UPDATE
         SET position = EXCLUDED.position, spent_on = EXCLUDED.spent_on, category_code = EXCLUDED.category_code,
             merchant = EXCLUDED.merchant, amount_minor = EXCLUDED.amount_minor, currency = EXCLUDED.currency, note = EXCLUDED.note,
             invoice_kind = EXCLUDED.invoice_kind, tax_minor = EXCLUDED.tax_minor, transport_mode = EXCLUDED.transport_mode
       WHERE claim_line.claim_id = EXCLUDED.claim_id
    ), unlinked AS (
      DELETE FROM line_receipt lr
       WHERE lr.line_id = ANY(${keep}::text[])
         AND NOT EXISTS (SELECT 1 FROM unnest(${pairs.map((p) => p.lineId)}::text[], ${pairs.map((p) => p.receiptId)}::text[]) AS p (line_id, receipt_id)
                          WHERE p.line_id = lr.line_id AND p.receipt_id = lr.receipt_id)
    ), linked AS (
      INSERT INTO line_receipt (line_id, receipt_id)
      SELECT * FROM unnest(${pairs.map((p) => p.lineId)}::text[], ${pairs.map((p) => p.receiptId)}::text[])
      ON CONFLICT DO NOTHING
    )`;
}

/**
 * Saves the header and lines of a draft or returned claim; with `submit`, also submits it, all in one
 * transaction: the lines' budget is reserved (or the whole submission refused with AppError
 * "budget_exceeded" past a cell's hard stop) and the first approval task opened.
 *
 * A few statements whatever the claim's size (issue 13: under month-end load each round trip waits for a
 * busy event loop): the lock, one read of what the input is checked against, one statement writing the
 * lines, their receipt links, the claim, the paper originals and the "saved" event; with `submit`, the
 * invoices, the approval task, the budget (its cells locked after everything slow), and the last event.
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
    let fromReading: Awaited<ReturnType<typeof proposedLineInput>>["audit"] | undefined;
    if (acceptProposal !== undefined) {
      const proposed = await proposedLineInput(tx, claimId, acceptProposal, input.lines);
      input = { ...input, lines: [...input.lines, proposed.line] };
      fromReading = proposed.audit;
    }
    const ctx = await readSaveContext(tx, claimId, claim.claimantId, input, submit);
    checkSaveInput(ctx, input);
    let status = claim.status;
    if (submit) {
      const errors = validateForSubmit({ purpose: input.purpose, lines: input.lines, receipts: ctx.receipts, today });
      if (Object.keys(errors).length > 0) throw refuse("invalid", errors);
      const moved = transition(claim.status, claim.status === "RETURNED" ? "resubmit" : "submit");
      if (!moved.ok) throw refuse("not_editable");
      status = moved.to;
    }
    const lines = input.lines.map((l) => ({ ...l, id: l.id ?? newId() }));
    const keep = input.lines.flatMap((l) => (l.id ? [l.id] : []));
    const submittedAt = new Date();
    const saved: AuditInput = { claimId, actorId: viewer.id, type: "claim.saved", data: { lines: lines.length, ...(fromReading ? { lineFromReading: fromReading } : {}) } };
    // The paper originals are owed from the first submission on; a resubmission keeps that row.
    const paper = submit && ctx.originals ? Prisma.sql`, paper AS (${paperOriginalInsertSql({ id: claimId, companyId: input.companyId, submittedAt }, ctx.originals)})` : Prisma.empty;
    const [updated] = await tx.$queryRaw<{ version: number }[]>`
      WITH ${linesWriteSql(claimId, lines, keep)}, saved AS (
        UPDATE claim
           SET purpose = ${input.purpose}, company_id = ${input.companyId}, department_id = ${input.departmentId},
               ${input.projectCode !== undefined ? Prisma.sql`project_code = ${input.projectCode},` : Prisma.empty}
               ${submit ? Prisma.sql`status = ${status}::"ClaimStatus", submitted_at = ${submittedAt}, budget_approver_ids = '{}',` : Prisma.empty}
               version = version + 1, updated_at = now()
         WHERE id = ${claimId}
        RETURNING version
      )${paper}, audited AS (${auditInsertSql([saved])})
      SELECT version FROM saved`;
    const newVersion = updated!.version;
    if (!submit) return { status, version: newVersion, budget: null };

    // Issue 14: one invoice, one payment: its invoices are claimed for this claim, or the submission is refused.
    await claimInvoicesForSubmission(tx, viewer, claimId);
    // A month-end rush queues every submission of a hot budget cell on the cell's lock, held to the commit:
    // the slow part (the approval task with the claim's facts) comes first, the cells last.
    await openApprovalTask(tx, claimId, newVersion);
    const budget = await reserveForSubmission(tx, { claimId, version: newVersion, actorId: viewer.id });
    // The first approval step was opened before the budget owners were known: when nobody else can approve
    // (no manager, no head), the first budget owner takes it.
    const owner = budget.approverIds[0];
    const submitted: AuditInput = {
      claimId,
      actorId: viewer.id,
      type: claim.status === "RETURNED" ? "claim.resubmitted" : "claim.submitted",
      fromStatus: claim.status,
      toStatus: status,
      data: { budget: budgetCheckAuditData(budget) },
    };
    await tx.$executeRaw`
      WITH ${owner === undefined ? Prisma.empty : Prisma.sql`owner_took AS (
        UPDATE task SET assignee_id = ${owner}
         WHERE claim_id = ${claimId} AND type = 'MANAGER_APPROVAL' AND status = 'OPEN' AND step = 1 AND assignee_id IS NULL
      ), `}audited AS (${auditInsertSql([submitted])})
      SELECT 1`;
    return { status, version: newVersion, budget };
  }, SUBMIT_TX);
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
