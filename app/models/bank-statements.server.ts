/**
 * Bank statements in, payments settled (issue 10, reconciliation). A statement (camt.053 from an upload
 * or the bank link, or the CSV layout of app/domain/payment-files/statement-csv.ts) is taken in two phases:
 *
 * 1. Store (one transaction, all or nothing): the file is read as a stream, its entries inserted in
 *    batches, the balance checked and the statement row written. A refusal (the same file or statement
 *    again, a balance that does not add up, an unreadable file) keeps nothing. Nothing is matched yet.
 * 2. Match (matchStatement): the statement's unmatched entries are read back in batches of positions and
 *    each batch is matched and settled in its own short transaction — by end-to-end id over the whole
 *    statement first, then by amount + account + date — through payment-outcomes.server.ts, the one place
 *    a payment's status moves. Only unmatched entries and payments still in a state the outcome accepts
 *    are touched, so running it again (after a crash between batches, or by hand: "match again") picks
 *    up exactly what is left.
 * Memory holds one batch at a time in either phase, whatever the size of the file.
 */
import { createHash } from "node:crypto";
import { AppError, isAppError } from "~/domain/app-error";
import { readCamt053, type CamtEntry, type CamtStatementHead } from "~/domain/payment-files/camt053";
import { readStatementCsv } from "~/domain/payment-files/statement-csv";
import { createMatcher, dayPosition, statementBalanceProblem, type DayPosition, type Match, type OpenPayment, type StatementEntry } from "~/domain/reconciliation";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { markPaymentPaid, markPaymentsFailed, markPaymentsPaid, markPaymentFailed, type PaymentOutcomeSource } from "./payment-outcomes.server";

export type StatementSource = "camt053" | "csv" | "bank-link";
type Chunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export type ImportResult = {
  statementId: string;
  statementRef: string;
  accountRef: string;
  payerAccountId: string | null;
  entries: number;
  paid: number;
  returned: number;
  unmatched: number;
};

/** Entries inserted per statement while storing. */
const INSERT_BATCH = 5_000;
/** Positions matched per transaction. */
const MATCH_BATCH = 5_000;
/** A return may come weeks after the money left: PAID payments stay matchable for returns this long. */
const RETURN_HORIZON_DAYS = 120;

const refuse = (code: string, message: string, details: Record<string, unknown> = {}, status = 422) => new AppError(code, { status, message, details });

/** Whatever the reader throws that is not already a refusal (a broken XML file) becomes one. */
async function* readable<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<T>;
    try {
      next = await it.next();
    } catch (error) {
      if (isAppError(error)) throw error;
      throw refuse("invalid_statement", `the statement cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (next.done) return;
    yield next.value;
  }
}

const normalizeAccount = (a: string) => a.replace(/\s+/g, "").toUpperCase();

async function findPayerAccount(tx: Tx, account: string): Promise<{ id: string; company_id: string; currency: string } | null> {
  const [row] = await tx.$queryRaw<{ id: string; company_id: string; currency: string }[]>`
    SELECT id, company_id, currency FROM payer_account
     WHERE upper(regexp_replace(coalesce(account_number, ''), '\s', '', 'g')) = ${account}
        OR upper(regexp_replace(coalesce(iban, ''), '\s', '', 'g')) = ${account}
     ORDER BY active DESC, created_at LIMIT 1`;
  return row ?? null;
}

type OpenPaymentRowRaw = { id: string; end_to_end_id: string; amount_minor: bigint; currency: string; status: string; account: string; value_date: string };
const toOpenPayment = (r: OpenPaymentRowRaw): OpenPayment => ({
  id: r.id,
  endToEndId: r.end_to_end_id,
  minor: r.amount_minor,
  currency: r.currency.trim(),
  creditorAccount: r.account,
  valueDate: r.value_date,
  paid: r.status === "PAID",
});

/**
 * The payments of this payer account that entries carrying these end-to-end ids may settle: sent or
 * accepted ones, and recently paid ones (for returns). One index lookup per id.
 */
async function openPaymentsByEndToEndId(tx: Tx, payerAccountId: string, endToEndIds: readonly string[]): Promise<OpenPayment[]> {
  if (endToEndIds.length === 0) return [];
  const rows = await tx.$queryRaw<OpenPaymentRowRaw[]>`
    SELECT p.id, p.end_to_end_id, p.amount_minor, p.currency, p.status,
           upper(regexp_replace(coalesce(b.account_number, b.iban), '\s', '', 'g')) AS account,
           to_char(r.value_date, 'YYYY-MM-DD') AS value_date
      FROM payment p
      JOIN payment_run r ON r.id = p.run_id
      JOIN bank_account b ON b.id = p.bank_account_id
     WHERE p.end_to_end_id = ANY(${endToEndIds}::text[])
       AND r.payer_account_id = ${payerAccountId}
       AND (p.status IN ('SENT', 'ACCEPTED')
            OR (p.status = 'PAID' AND p.status_at > now() - make_interval(days => ${RETURN_HORIZON_DAYS})))`;
  return rows.map(toOpenPayment);
}

/** The still unpaid payments of this payer account with one of these amounts (the fallback's candidates). */
async function openPaymentsByAmount(tx: Tx, payerAccountId: string, amounts: readonly bigint[]): Promise<OpenPayment[]> {
  if (amounts.length === 0) return [];
  const rows = await tx.$queryRaw<OpenPaymentRowRaw[]>`
    SELECT p.id, p.end_to_end_id, p.amount_minor, p.currency, p.status,
           upper(regexp_replace(coalesce(b.account_number, b.iban), '\s', '', 'g')) AS account,
           to_char(r.value_date, 'YYYY-MM-DD') AS value_date
      FROM payment p
      JOIN payment_run r ON r.id = p.run_id
      JOIN bank_account b ON b.id = p.bank_account_id
     WHERE p.amount_minor = ANY(${amounts.map(String)}::bigint[])
       AND p.status IN ('SENT', 'ACCEPTED')
       AND r.payer_account_id = ${payerAccountId}`;
  return rows.map(toOpenPayment);
}

type Settler = { actorId: string | null; source: PaymentOutcomeSource; at: Date };

/** Settles the payments of matched entries and records each match on its entry; answers the matches that took. */
async function applyMatches(tx: Tx, matches: readonly Match[], by: Settler): Promise<Match[]> {
  if (matches.length === 0) return [];
  const paid = matches.filter((m) => m.kind === "paid");
  const returned = matches.filter((m): m is Extract<Match, { kind: "returned" }> => m.kind === "returned");
  // Paid before returned: a payment paid and returned on the same statement ends RETURNED.
  const movedPaid = paid.length ? await markPaymentsPaid(tx, paid.map((m) => m.paymentId), by) : new Set<string>();
  const movedReturned = returned.length ? await markPaymentsFailed(tx, returned.map((m) => ({ paymentId: m.paymentId, reason: m.reason })), "RETURNED", by) : new Set<string>();
  const took = matches.filter((m) => (m.kind === "paid" ? movedPaid : movedReturned).has(m.paymentId));
  if (took.length === 0) return [];
  await tx.$executeRaw`
    UPDATE statement_entry e
       SET payment_id = m.payment_id, match_kind = m.kind, matched_by = m.by, matched_at = ${by.at}
      FROM unnest(${took.map((m) => m.entryId)}::text[], ${took.map((m) => m.paymentId)}::text[], ${took.map((m) => m.kind)}::text[],
                  ${took.map((m) => (m.kind === "paid" ? m.by : "end_to_end_id"))}::text[]) AS m(entry_id, payment_id, kind, by)
     WHERE e.id = m.entry_id AND e.payment_id IS NULL`;
  return took;
}

async function insertEntries(tx: Tx, statementId: string, firstPosition: number, entries: readonly StatementEntry[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO statement_entry (id, statement_id, position, amount_minor, currency, direction, booking_date, end_to_end_id, counterparty_account, return_reason)
    SELECT e.id, ${statementId}, ${firstPosition} + e.ord - 1, e.minor::bigint, e.currency, e.direction, e.booking_date::date, e.e2e, e.counterparty, e.reason
      FROM unnest(${entries.map((e) => e.id)}::text[], ${entries.map((e) => e.minor.toString())}::text[], ${entries.map((e) => e.currency)}::text[],
                  ${entries.map((e) => e.direction)}::text[], ${entries.map((e) => e.bookingDate)}::text[], ${entries.map((e) => e.endToEndId)}::text[],
                  ${entries.map((e) => e.counterpartyAccount)}::text[], ${entries.map((e) => e.returnReason)}::text[])
           WITH ORDINALITY AS e(id, minor, currency, direction, booking_date, e2e, counterparty, reason, ord)`;
}

/** The stored statement, before matching. */
export type StoredStatement = Omit<ImportResult, "paid" | "returned" | "unmatched">;

/**
 * Phase 1: reads the statement as a stream and stores it with its entries, in one transaction; refuses
 * (keeping nothing) a statement imported before, one that does not balance, or an unreadable one.
 */
export async function storeStatement(input: { source: StatementSource; chunks: Chunks; importedBy: string | null; allowedPayerAccountIds?: readonly string[]; db?: Db }): Promise<StoredStatement> {
  const db = input.db ?? prisma;
  const hash = createHash("sha256");
  const raw = (async function* () {
    for await (const chunk of input.chunks) {
      hash.update(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
      yield chunk;
    }
  })();
  const drain = async () => {
    for (let r = await raw.next(); !r.done; r = await raw.next());
  };
  const items = readable(input.source === "csv" ? readStatementCsv(raw) : readCamt053(raw));
  const at = new Date();

  try {
    return await db.$transaction(
      async (tx) => {
        let head: CamtStatementHead | null = null;
        let statementId = "";
        let payerAccountId: string | null = null;
        let position = 0;
        let credits = 0n;
        let debits = 0n;
        let batch: StatementEntry[] = [];
        // One insert in flight while the next batch is read: the database and the parser work at once.
        let pending: Promise<void> = Promise.resolve();

        const flush = async () => {
          await pending;
          if (batch.length === 0) return;
          const rows = batch;
          batch = [];
          pending = insertEntries(tx, statementId, position - rows.length + 1, rows);
          // A failed insert surfaces at the next await of `pending`; never left unobserved.
          pending.catch(() => undefined);
        };

        for await (const item of items) {
          if (item.kind === "statement") {
            if (head) throw refuse("invalid_statement", "a file must hold one statement; this one holds more");
            head = item;
            const accountRef = normalizeAccount(head.account);
            if (!accountRef || !head.statementId) throw refuse("invalid_statement", "the statement names no account or no statement id");
            if (!/^[A-Z]{3}$/.test(head.currency)) throw refuse("invalid_statement", `the statement's currency is not an ISO 4217 code: ${JSON.stringify(head.currency)}`);
            const existing = await tx.bankStatement.findUnique({ where: { accountRef_statementRef: { accountRef, statementRef: head.statementId } } });
            if (existing) {
              await drain();
              const sha = hash.digest("hex");
              if (existing.fileSha256 === sha) throw refuse("duplicate_file", "this file was imported already", { importedAt: existing.importedAt.toISOString() }, 409);
              throw refuse("duplicate_statement", `statement ${head.statementId} of account ${accountRef} was imported already`, { importedAt: existing.importedAt.toISOString() }, 409);
            }
            const payer = await findPayerAccount(tx, accountRef);
            if (input.allowedPayerAccountIds && (!payer || !input.allowedPayerAccountIds.includes(payer.id))) {
              throw refuse("unknown_account", `account ${accountRef} is not a payer account you reconcile`, { account: accountRef });
            }
            if (payer && payer.currency.trim() !== head.currency) throw refuse("invalid_statement", `the statement is in ${head.currency}, its account in ${payer.currency}`);
            payerAccountId = payer?.id ?? null;
            // The statement row itself is written after the last entry, once the file's SHA-256 is known
            // (bank_statement is append-only; the entries' foreign key is checked at commit).
            statementId = newId();
            continue;
          }
          if (!head) throw refuse("invalid_statement", "an entry before the statement's head");
          const entry: CamtEntry = item;
          if (entry.currency !== head.currency) throw refuse("invalid_statement", `entry ${position + 1} is in ${entry.currency}, the statement in ${head.currency}`);
          if (entry.direction === "CRDT") credits += entry.minor;
          else debits += entry.minor;
          position += 1;
          batch.push({
            id: newId(),
            endToEndId: entry.endToEndId,
            minor: entry.minor,
            currency: entry.currency,
            direction: entry.direction,
            counterpartyAccount: entry.counterpartyAccount ? normalizeAccount(entry.counterpartyAccount) : null,
            bookingDate: entry.bookingDate,
            returnReason: entry.returnReason,
          });
          if (batch.length >= INSERT_BATCH) await flush();
        }
        if (!head) throw refuse("invalid_statement", "the file holds no statement");
        await flush();
        await pending;

        const problem = statementBalanceProblem({
          currency: head.currency,
          openingMinor: head.openingMinor,
          closingMinor: head.closingMinor,
          entries: [
            { minor: credits, direction: "CRDT" },
            { minor: debits, direction: "DBIT" },
          ],
        });
        if (problem) {
          throw refuse("unbalanced_statement", `opening balance + entries = ${problem.expectedClosingMinor}, but the closing balance is ${head.closingMinor} (minor units)`, {
            expectedClosingMinor: problem.expectedClosingMinor.toString(),
            closingMinor: head.closingMinor.toString(),
          });
        }

        const sha = hash.digest("hex");
        const sameFile = await tx.bankStatement.findUnique({ where: { fileSha256: sha }, select: { importedAt: true } });
        if (sameFile) throw refuse("duplicate_file", "this file was imported already", { importedAt: sameFile.importedAt.toISOString() }, 409);
        await tx.bankStatement.create({
          data: {
            id: statementId,
            payerAccountId,
            accountRef: normalizeAccount(head.account),
            statementRef: head.statementId,
            currency: head.currency,
            openingMinor: head.openingMinor,
            closingMinor: head.closingMinor,
            entryCount: position,
            source: input.source,
            fileSha256: sha,
            importedBy: input.importedBy,
            importedAt: at,
          },
        });
        const stored: StoredStatement = { statementId, statementRef: head.statementId, accountRef: normalizeAccount(head.account), payerAccountId, entries: position };
        await recordAudit(tx, {
          actorId: input.importedBy,
          type: "statement.imported",
          data: { ...stored, source: input.source, sha256: sha, openingMinor: head.openingMinor.toString(), closingMinor: head.closingMinor.toString() },
        });
        return stored;
      },
      { timeout: 30 * 60_000, maxWait: 10_000 },
    );
  } catch (error) {
    // Two imports of the same statement at once: the unique indexes refuse the second.
    if (!isAppError(error) && /bank_statement_(ref|file)_key|Unique constraint/i.test(String((error as Error)?.message))) {
      throw refuse("duplicate_statement", "this statement was imported already", {}, 409);
    }
    throw error;
  }
}

export type MatchResult = { paid: number; returned: number; unmatched: number };

type EntryRowRaw = {
  id: string;
  end_to_end_id: string | null;
  amount_minor: bigint;
  currency: string;
  direction: "DBIT" | "CRDT";
  counterparty_account: string | null;
  booking_date: string;
  return_reason: string | null;
};
const toEntry = (e: EntryRowRaw): StatementEntry => ({
  id: e.id,
  endToEndId: e.end_to_end_id,
  minor: e.amount_minor,
  currency: e.currency.trim(),
  direction: e.direction,
  counterpartyAccount: e.counterparty_account,
  bookingDate: e.booking_date,
  returnReason: e.return_reason,
});

/** Every transaction matching entries of one statement holds this lock (batches, match again, a manual match). */
const lockStatementMatching = (tx: Tx, statementId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`statement-match:${statementId}`}, 0))`;

/**
 * Phase 2 (and "match again"): matches the statement's unmatched entries against the open payments of
 * its payer account, one short transaction per batch of positions — by end-to-end id over the whole
 * statement first, then by amount + account + date. Idempotent: only entries still unmatched and
 * payments in a state the outcome accepts move, so after a crash between batches, running it again
 * finishes the work. Answers what this run settled, and how many entries are still unmatched.
 */
export async function matchStatement(statementId: string, opts: { actorId: string | null; windowDays?: number; db?: Db; source?: PaymentOutcomeSource }): Promise<MatchResult> {
  const db = opts.db ?? prisma;
  const statement = await db.bankStatement.findUnique({ where: { id: statementId }, select: { payerAccountId: true, entryCount: true } });
  if (!statement) throw new AppError("not_found", { message: "no such statement" });
  const payerAccountId = statement.payerAccountId;
  let paid = 0;
  let returned = 0;
  if (payerAccountId) {
    const by: Settler = { actorId: opts.actorId, source: opts.source ?? "statement", at: new Date() };
    for (const pass of ["end_to_end_id", "amount_account_date"] as const) {
      for (let from = 1; from <= statement.entryCount; from += MATCH_BATCH) {
        const to = from + MATCH_BATCH - 1;
        const took = await db.$transaction(
          async (tx) => {
            await lockStatementMatching(tx, statementId);
            const rows = await tx.$queryRaw<EntryRowRaw[]>`
              SELECT id, end_to_end_id, amount_minor, currency, direction, counterparty_account, to_char(booking_date, 'YYYY-MM-DD') AS booking_date, return_reason
                FROM statement_entry
               WHERE statement_id = ${statementId} AND position BETWEEN ${from} AND ${to} AND payment_id IS NULL
                 AND (${pass} = 'end_to_end_id' AND end_to_end_id IS NOT NULL
                      OR ${pass} = 'amount_account_date' AND direction = 'DBIT' AND counterparty_account IS NOT NULL)
               ORDER BY position`;
            if (rows.length === 0) return [];
            const entries = rows.map(toEntry);
            if (pass === "end_to_end_id") {
              const candidates = await openPaymentsByEndToEndId(tx, payerAccountId, [...new Set(entries.map((e) => e.endToEndId!))]);
              return applyMatches(tx, createMatcher(candidates, opts.windowDays).matchByEndToEndId(entries).matches, by);
            }
            const candidates = await openPaymentsByAmount(tx, payerAccountId, [...new Set(entries.map((e) => e.minor))]);
            return applyMatches(tx, createMatcher(candidates, opts.windowDays).matchByAmountAccountDate(entries).matches, by);
          },
          { timeout: 10 * 60_000, maxWait: 10_000 },
        );
        for (const m of took) {
          if (m.kind === "paid") paid += 1;
          else returned += 1;
        }
      }
    }
  }
  const [left] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM statement_entry WHERE statement_id = ${statementId} AND payment_id IS NULL`;
  return { paid, returned, unmatched: Number(left?.n ?? 0) };
}

/**
 * Imports one statement (phase 1) and matches it (phase 2). `allowedPayerAccountIds` (a person's upload)
 * refuses a statement of an account that is not one of theirs; the bank link passes none and may import
 * an unknown account's statement, kept unlinked. Should matching stop half way, the statement is stored
 * and matchStatement (the screen's "match again") finishes it.
 */
export async function importStatement(input: {
  source: StatementSource;
  chunks: Chunks;
  importedBy: string | null;
  allowedPayerAccountIds?: readonly string[];
  windowDays?: number;
  db?: Db;
}): Promise<ImportResult> {
  const stored = await storeStatement(input);
  const matched = await matchStatement(stored.statementId, { actorId: input.importedBy, windowDays: input.windowDays, db: input.db });
  return { ...stored, ...matched };
}

/**
 * A person matches an unmatched entry with an open payment of the same payer account, amount and
 * currency: a debit pays a sent or accepted payment, a credit returns a sent, accepted or paid one.
 * Audited as a manual match, and the payment moves through the one place outcomes happen.
 */
export async function matchEntryManually(input: { entryId: string; paymentId: string; userId: string; allowedPayerAccountIds: readonly string[]; db?: Db }): Promise<{ kind: "paid" | "returned" }> {
  const db = input.db ?? prisma;
  return db.$transaction(async (tx) => {
    const [of] = await tx.$queryRaw<{ statement_id: string }[]>`SELECT statement_id FROM statement_entry WHERE id = ${input.entryId}`;
    if (of) await lockStatementMatching(tx, of.statement_id);
    const [entry] = await tx.$queryRaw<{ id: string; payment_id: string | null; amount_minor: bigint; currency: string; direction: string; return_reason: string | null; payer_account_id: string | null; statement_ref: string; end_to_end_id: string | null }[]>`
      SELECT e.id, e.payment_id, e.amount_minor, e.currency, e.direction, e.return_reason, s.payer_account_id, s.statement_ref, e.end_to_end_id
        FROM statement_entry e JOIN bank_statement s ON s.id = e.statement_id
       WHERE e.id = ${input.entryId} FOR UPDATE OF e`;
    if (!entry || !entry.payer_account_id || !input.allowedPayerAccountIds.includes(entry.payer_account_id)) throw new AppError("not_found", { message: "no such statement entry" });
    if (entry.payment_id) throw new AppError("already_matched", { status: 409, message: "this entry is matched already" });
    const [payment] = await tx.$queryRaw<{ id: string; status: string; amount_minor: bigint; currency: string; payer_account_id: string; end_to_end_id: string }[]>`
      SELECT p.id, p.status, p.amount_minor, p.currency, r.payer_account_id, p.end_to_end_id
        FROM payment p JOIN payment_run r ON r.id = p.run_id WHERE p.id = ${input.paymentId}`;
    if (!payment || payment.payer_account_id !== entry.payer_account_id) throw new AppError("invalid", { fieldErrors: { paymentId: "not_found" }, message: "no such payment of this account" });
    if (payment.amount_minor !== entry.amount_minor || payment.currency.trim() !== entry.currency.trim()) {
      throw new AppError("invalid", { fieldErrors: { paymentId: "amount_mismatch" }, message: "the payment's amount or currency differs from the entry's" });
    }
    const kind = entry.direction === "DBIT" ? "paid" : "returned";
    const by = { actorId: input.userId, source: "manual_match" as const, at: new Date() };
    const moved =
      kind === "paid" ? await markPaymentPaid(tx, payment.id, by) : await markPaymentFailed(tx, payment.id, "RETURNED", entry.return_reason ?? "MANUAL", by);
    if (!moved) throw new AppError("invalid", { fieldErrors: { paymentId: "not_open" }, message: `the payment is ${payment.status.toLowerCase()}: it cannot be ${kind} now` });
    await tx.statementEntry.update({
      where: { id: entry.id },
      data: { paymentId: payment.id, matchKind: kind, matchedBy: "manual", matchedByUser: input.userId, matchedAt: by.at },
    });
    const [claim] = await tx.$queryRaw<{ claim_id: string }[]>`SELECT claim_id FROM payment WHERE id = ${payment.id}`;
    await recordAudit(tx, {
      claimId: claim!.claim_id,
      actorId: input.userId,
      type: "statement.manual_match",
      data: { entryId: entry.id, statementRef: entry.statement_ref, paymentId: payment.id, endToEndId: payment.end_to_end_id, kind },
    });
    return { kind };
  });
}

/** The payer accounts of the companies a treasury user works for (user_company). */
export async function payerAccountsFor(userId: string, db: Db = prisma) {
  return db.$queryRaw<{ id: string; name: string; currency: string; company_code: string; account: string }[]>`
    SELECT pa.id, pa.name, pa.currency, c.code AS company_code, coalesce(pa.account_number, pa.iban) AS account
      FROM payer_account pa
      JOIN company c ON c.id = pa.company_id
      JOIN user_company uc ON uc.company_id = pa.company_id AND uc.user_id = ${userId}
     WHERE pa.active
     ORDER BY c.code, pa.currency, pa.name`;
}

/** The day's position of one payer account: its payments of that value date, and the entries booked that day. */
export async function dayPositionOf(payerAccountId: string, day: string, db: Db = prisma): Promise<DayPosition> {
  const [payments, entries] = await Promise.all([
    db.$queryRaw<{ status: string; amount_minor: bigint }[]>`
      SELECT p.status, p.amount_minor FROM payment p JOIN payment_run r ON r.id = p.run_id
       WHERE r.payer_account_id = ${payerAccountId} AND r.value_date = ${day}::date`,
    db.$queryRaw<{ direction: "DBIT" | "CRDT"; amount_minor: bigint; matched: boolean }[]>`
      SELECT e.direction, e.amount_minor, e.payment_id IS NOT NULL AS matched
        FROM statement_entry e JOIN bank_statement s ON s.id = e.statement_id
       WHERE s.payer_account_id = ${payerAccountId} AND e.booking_date = ${day}::date`,
  ]);
  return dayPosition(
    payments.map((p) => ({ status: p.status, minor: p.amount_minor })),
    entries.map((e) => ({ direction: e.direction, minor: e.amount_minor, matched: e.matched })),
  );
}

export type UnmatchedEntryRow = { id: string; statementRef: string; bookingDate: string; direction: "DBIT" | "CRDT"; minor: bigint; currency: string; endToEndId: string | null; counterpartyAccount: string | null; returnReason: string | null };
export type OpenPaymentRow = { id: string; endToEndId: string; claimNumber: string; payee: string; minor: bigint; currency: string; status: string; valueDate: string };

/** What waits for a person on one payer account: entries nobody explained, and payments no statement settled. */
export async function reconciliationWork(payerAccountId: string, db: Db = prisma, limit = 200): Promise<{ entries: UnmatchedEntryRow[]; payments: OpenPaymentRow[] }> {
  const [entries, payments] = await Promise.all([
    db.$queryRaw<{ id: string; statement_ref: string; booking_date: string; direction: "DBIT" | "CRDT"; amount_minor: bigint; currency: string; end_to_end_id: string | null; counterparty_account: string | null; return_reason: string | null }[]>`
      SELECT e.id, s.statement_ref, to_char(e.booking_date, 'YYYY-MM-DD') AS booking_date, e.direction, e.amount_minor, e.currency, e.end_to_end_id, e.counterparty_account, e.return_reason
        FROM statement_entry e JOIN bank_statement s ON s.id = e.statement_id
       WHERE s.payer_account_id = ${payerAccountId} AND e.payment_id IS NULL
       ORDER BY e.booking_date DESC, s.imported_at DESC, e.position LIMIT ${limit}`,
    db.$queryRaw<{ id: string; end_to_end_id: string; number: string; holder_name: string; amount_minor: bigint; currency: string; status: string; value_date: string }[]>`
      SELECT p.id, p.end_to_end_id, c.number, b.holder_name, p.amount_minor, p.currency, p.status, to_char(r.value_date, 'YYYY-MM-DD') AS value_date
        FROM payment p JOIN payment_run r ON r.id = p.run_id JOIN claim c ON c.id = p.claim_id JOIN bank_account b ON b.id = p.bank_account_id
       WHERE r.payer_account_id = ${payerAccountId}
         AND (p.status IN ('SENT', 'ACCEPTED') OR (p.status = 'PAID' AND p.status_at > now() - make_interval(days => ${RETURN_HORIZON_DAYS})))
       ORDER BY (p.status = 'PAID'), r.value_date, p.end_to_end_id LIMIT ${limit}`,
  ]);
  return {
    entries: entries.map((e) => ({
      id: e.id,
      statementRef: e.statement_ref,
      bookingDate: e.booking_date,
      direction: e.direction,
      minor: e.amount_minor,
      currency: e.currency.trim(),
      endToEndId: e.end_to_end_id,
      counterpartyAccount: e.counterparty_account,
      returnReason: e.return_reason,
    })),
    payments: payments.map((p) => ({ id: p.id, endToEndId: p.end_to_end_id, claimNumber: p.number, payee: p.holder_name, minor: p.amount_minor, currency: p.currency.trim(), status: p.status, valueDate: p.value_date })),
  };
}

/** A statement of one of these payer accounts, or null (another company's statement is not found). */
export async function findStatementOf(statementId: string, allowedPayerAccountIds: readonly string[], db: Db = prisma) {
  const statement = await db.bankStatement.findUnique({ where: { id: statementId }, select: { id: true, statementRef: true, payerAccountId: true } });
  return statement?.payerAccountId && allowedPayerAccountIds.includes(statement.payerAccountId) ? statement : null;
}

export type RecentStatementRow = { id: string; statementRef: string; source: string; entryCount: number; matched: number; importedAt: string; closingMinor: bigint; currency: string };

export async function recentStatements(payerAccountId: string, db: Db = prisma, limit = 10): Promise<RecentStatementRow[]> {
  const rows = await db.$queryRaw<{ id: string; statement_ref: string; source: string; entry_count: number; matched: bigint; imported_at: Date; closing_minor: bigint; currency: string }[]>`
    SELECT s.id, s.statement_ref, s.source, s.entry_count, s.imported_at, s.closing_minor, s.currency,
           (SELECT count(*) FROM statement_entry e WHERE e.statement_id = s.id AND e.payment_id IS NOT NULL) AS matched
      FROM bank_statement s WHERE s.payer_account_id = ${payerAccountId}
     ORDER BY s.imported_at DESC LIMIT ${limit}`;
  return rows.map((r) => ({ id: r.id, statementRef: r.statement_ref, source: r.source, entryCount: r.entry_count, matched: Number(r.matched), importedAt: r.imported_at.toISOString(), closingMinor: r.closing_minor, currency: r.currency.trim() }));
}

/** The last day anything happened on a payer account (a booked entry or a run's value date): the screen's default day. */
export async function latestActivityDay(payerAccountId: string, db: Db = prisma): Promise<string | null> {
  const [row] = await db.$queryRaw<{ day: string | null }[]>`
    SELECT to_char(greatest(
      (SELECT max(e.booking_date) FROM statement_entry e JOIN bank_statement s ON s.id = e.statement_id WHERE s.payer_account_id = ${payerAccountId}),
      (SELECT max(r.value_date) FROM payment_run r WHERE r.payer_account_id = ${payerAccountId} AND r.status IN ('RELEASED', 'DONE'))), 'YYYY-MM-DD') AS day`;
  return row?.day ?? null;
}
