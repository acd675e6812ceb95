/**
 * The paper side of paying and checking a claim (issue 12): whether a company paying on paper may pay a
 * claim yet, which originals are overdue, and the scan-to-paper check — an original that differs from its
 * image either returns the claim to the claimant (while the claim can still be returned) or opens an
 * exception the company's supervisor resolves.
 */
import { z } from "zod";
import type { ClaimAction, ClaimStatus } from "./claim-machine";
import type { PaperStatus } from "./paper-trail";

// ── Pay on image or on paper ─────────────────────────────────────────────────────────────────────

/** Originals that count as arrived: received at the desk, or already filed into a box. */
export const ORIGINALS_IN_HAND: readonly PaperStatus[] = ["RECEIVED", "ARCHIVED"];

/**
 * Whether a company that pays on paper must still wait for this claim's originals. A claim without a
 * paper_original row (submitted before originals were tracked) has nothing received: it waits too.
 */
export function originalsAwaited(payOnPaper: boolean, paperStatus: PaperStatus | null): boolean {
  if (!payOnPaper) return false;
  return paperStatus === null || !ORIGINALS_IN_HAND.includes(paperStatus);
}

/** Originals still expected (not yet in hand): the board's "expected". */
export const ORIGINALS_EXPECTED: readonly PaperStatus[] = ["AWAITING", "DISCREPANCY"];

/** Overdue: still expected and due before today (YYYY-MM-DD in the SSC's zone). */
export function isOverdue(status: PaperStatus, dueOn: string, today: string): boolean {
  return ORIGINALS_EXPECTED.includes(status) && dueOn < today;
}

/** Whole days past the due date (0 when not yet due). Both YYYY-MM-DD. */
export function daysOverdue(dueOn: string, today: string): number {
  const ms = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueOn}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not dates: ${dueOn}, ${today}`);
  return Math.max(0, Math.round(ms / 86_400_000));
}

/** The company's paper settings (admins): pay on paper or on the image, and the working days originals have. */
export const PaperSettingsForm = z.object({
  intent: z.literal("paper-settings"),
  companyId: z.string().trim().min(1, "required").max(64, "invalid"),
  // An unchecked box sends nothing.
  payOnPaper: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  originalsDueWorkingDays: z.coerce.number({ error: "bad_days" }).int("bad_days").min(1, "bad_days").max(120, "bad_days"),
});
export type PaperSettingsInput = z.infer<typeof PaperSettingsForm>;

// ── Scan-to-paper check ──────────────────────────────────────────────────────────────────────────

/** Why an original differs from its image. "other" needs words. */
export const DIFFERS_REASONS = ["amount", "date", "merchant", "stamp", "altered", "other"] as const;
export type DiffersReason = (typeof DIFFERS_REASONS)[number];

export const DIFFERS_OUTCOMES = ["RETURN", "EXCEPTION"] as const;
export type DiffersOutcome = (typeof DIFFERS_OUTCOMES)[number];

/** How the finding is stored (paper_discrepancy.outcome). */
export const STORED_OUTCOME: Record<DiffersOutcome, "RETURNED" | "EXCEPTION"> = { RETURN: "RETURNED", EXCEPTION: "EXCEPTION" };

/**
 * The claim-machine action that returns the claim for a paper finding, or null when it can no longer be
 * returned. A claim with its manager (SUBMITTED) goes back as a manager's return would; one in review goes
 * back as the accountant's return would (their task is cancelled). A claim waiting in a queue
 * (MANAGER_APPROVED) has no return in the lifecycle, and from APPROVED on the money is decided: the
 * supervisor gets an exception instead.
 */
export function paperReturnAction(status: ClaimStatus): ClaimAction | null {
  if (status === "SUBMITTED") return "managerReturn";
  if (status === "IN_REVIEW") return "returnToClaimant";
  return null;
}

/** The outcomes the page offers for a claim in this state. */
export function differsOutcomes(status: ClaimStatus): DiffersOutcome[] {
  return paperReturnAction(status) ? ["RETURN", "EXCEPTION"] : ["EXCEPTION"];
}

/** A claim not yet submitted (or withdrawn) has no originals to check. */
export function canCheckPaper(status: ClaimStatus): boolean {
  return status !== "DRAFT" && status !== "WITHDRAWN";
}

export const DiffersForm = z
  .object({
    intent: z.literal("differs"),
    claimVersion: z.coerce.number({ error: "stale" }).int("stale").min(0, "stale"),
    reason: z.enum(DIFFERS_REASONS, { message: "reason_required" }),
    receipts: z.string().trim().max(200, "too_long").default(""),
    note: z.string().trim().max(1000, "too_long").default(""),
    outcome: z.enum(DIFFERS_OUTCOMES, { message: "outcome_required" }),
  })
  .superRefine((v, ctx) => {
    if (v.reason === "other" && !v.note) ctx.addIssue({ code: "custom", path: ["note"], message: "note_required" });
  });
export type DiffersInput = z.infer<typeof DiffersForm>;

/** The text stored as the discrepancy's reason: the code, the receipts named, and the archivist's words. */
export function differsReasonText(input: { reason: DiffersReason; receipts: string; note: string }): string {
  return [input.reason, input.receipts ? `[${input.receipts}]` : "", input.note].filter(Boolean).join(" ").slice(0, 1300);
}

/** The reason's code back from the stored text (first word), or "other". */
export function differsReasonCode(text: string): DiffersReason {
  const first = text.split(" ", 1)[0] ?? "";
  return (DIFFERS_REASONS as readonly string[]).includes(first) ? (first as DiffersReason) : "other";
}

export const ResolveExceptionForm = z.object({
  intent: z.literal("resolve"),
  discrepancyId: z.string().trim().min(1, "not_found").max(64, "not_found"),
  resolution: z.string().trim().min(1, "resolution_required").max(1000, "too_long"),
});

export type ExceptionState = { kind: string; outcome: string | null; resolvedAt: Date | null };

/** Why an exception may not be resolved now, or null: only an open DIFFERS exception is resolved, once. */
export function resolveRefusal(d: ExceptionState): "not_exception" | "already_resolved" | null {
  if (d.kind !== "DIFFERS" || d.outcome !== "EXCEPTION") return "not_exception";
  if (d.resolvedAt) return "already_resolved";
  return null;
}
