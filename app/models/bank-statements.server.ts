/**
 * Bank statements in, payments settled (issue 10, reconciliation). A statement (camt.053 from an upload
 * or the bank link, or the CSV layout of app/domain/payment-files/statement-csv.ts) is taken in two phases:
 *
 * 1. Import + link (one transaction, all or nothing): the file is read as a stream, its entries inserted
 *    in batches — each batch linked to its payments by end-to-end id in the same INSERT — then the rest
 *    linked by amount + account + date in one UPDATE, the balance checked, the statement row written and
 *    the settle-statement job put in the outbox. A refusal (the same file or statement again, a balance
 *    that does not add up, an unreadable file) keeps nothing. Linking moves no payment and no claim.
 * 2. Settle (settleStatement: the job, the payments sweep, or at once when asked): the linked entries'
 *    payments and claims move through payment-outcomes.server.ts, the one place a payment's status moves,
 *    in short transactions. A payment that took its outcome is not moved again, so running it again
 *    (after a crash, from the sweep) settles exactly what is left. "Match again" (matchStatement) links
 *    what is still unlinked and queues the settlement; a manual match links and settles at once.
 * Memory holds one batch at a time in either phase, whatever the size of the file.
 */
import { createHash } from "node:crypto";
import { AppError, isAppError } from "~/domain/app-error";
import { readCamt053, type CamtEntry, type CamtStatementHead } from "~/domain/payment-files/camt053";
import { readStatementCsv } from "~/domain/payment-files/statement-csv";
import { JOBS } from "~/domain/jobs";
import { dayPosition, statementBalanceProblem, type DayPosition, type StatementEntry } from "~/domain/reconciliation";
import { Prisma } from "~/generated/prisma/client";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { recordAudit } from "./audit.server";
import { enqueueJob, markOutboxDone } from "./outbox.server";
import { markPaymentPaid, markPaymentsFailed, markPaymentsPaid, markPaymentFailed } from "./payment-outcomes.server";

export type StatementSource = "camt053" | "csv" | "bank-link";
type Chunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

export type ImportResult = {
  statementId: string;
  statementRef: string;
  accountRef: string;
  payerAccountId: string | null;
  entries: number;
  /** Entries linked to a payment they pay / return (settled at once or by the settle-statement job). */
  paid: number;
  returned: number;
  unmatched: number;
  /** Links whose payment and claim have not moved yet: the settlement is still running. */
  settling: number;
};

/** Entries inserted per statement while storing. */
const INSERT_BATCH = 5_000;
/** Positions settled per transaction (5,000 payments, claims, audit events and messages: about half a second). */
const SETTLE_BATCH = 5_000;
/** The sweep looks this far back for returns linked to PAID payments and not settled (a crash between the two). */
const SWEEP_RETURNS_DAYS = 3;
/** The fallback's date window (days between a payment's value date and the entry's booking date). */
const DEFAULT_WINDOW_DAYS = 3;
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

/*
 * Linking (set-based SQL; the specification is createMatcher / matchEntries in app/domain/reconciliation.ts,
 * and test/statement-linking.integration.test.ts checks that both give the same matches):
 *  - by end-to-end id: an entry carrying the id of a payment of this payer account with the same amount and
 *    currency; a debit pays it (a payment SENT or ACCEPTED that no entry pays yet), a credit with a return
 *    reason returns it (SENT, ACCEPTED or recently PAID, and no entry returns it yet); of several entries
 *    wanting the same payment the first on the statement takes it (the unique index statement_entry_one_match
 *    is the last word: paid once, returned once);
 *  - then by amount + currency + counterparty account + booking date within the window: a debit still
 *    unlinked and a payment still open and unpaid, only where exactly one payment fits the entry and
 *    exactly one entry of the statement fits the payment.
 * A link is written on the entry (payment_id, match_kind, matched_by, matched_at); the payment and its
 * claim move later, in settleStatement.
 */

/** Which payment an entry `e` may link to by its end-to-end id (`p` the payment, `r` its run). */
const endToEndFits = (payerAccountId: string) => Prisma.sql`
  r.payer_account_id = ${payerAccountId}
  AND p.amount_minor = e.amount_minor AND p.currency = e.currency
  AND CASE WHEN e.direction = 'DBIT' THEN p.status IN ('SENT', 'ACCEPTED')
           WHEN e.return_reason IS NOT NULL THEN p.status IN ('SENT', 'ACCEPTED') OR (p.status = 'PAID' AND p.status_at > now() - make_interval(days => ${RETURN_HORIZON_DAYS}))
           ELSE false END
  AND NOT EXISTS (SELECT 1 FROM statement_entry x WHERE x.payment_id = p.id AND x.match_kind = CASE WHEN e.direction = 'DBIT' THEN 'paid' ELSE 'returned' END)`;

type Linked = { paid: number; returned: number };
type LinkCounts = { paid: bigint | null; returned: bigint | null };
const linked = (r: LinkCounts | undefined): Linked => ({ paid: Number(r?.paid ?? 0), returned: Number(r?.returned ?? 0) });

/**
 * Inserts one batch of entries; with a payer account, each entry is linked by its end-to-end id in the
 * same statement (earlier batches of this statement are seen: same transaction, earlier command).
 */
async function insertEntries(tx: Tx, statementId: string, firstPosition: number, entries: readonly StatementEntry[], link: { payerAccountId: string; at: Date } | null): Promise<Linked> {
  // One JSON parameter rather than eight arrays: a fraction of the driver's encoding work for 5,000 rows.
  const json = JSON.stringify(entries.map((e) => [e.id, e.minor.toString(), e.currency, e.direction, e.bookingDate, e.endToEndId, e.counterpartyAccount, e.returnReason]));
  const rows = Prisma.sql`
    SELECT u.value->>0 AS id, (${firstPosition}::int + u.ord::int - 1) AS position, (u.value->>1)::bigint AS amount_minor, u.value->>2 AS currency,
           u.value->>3 AS direction, (u.value->>4)::date AS booking_date, u.value->>5 AS end_to_end_id, u.value->>6 AS counterparty_account, u.value->>7 AS return_reason
      FROM jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS u(value, ord)`;
  if (!link) {
    await tx.$executeRaw`
      INSERT INTO statement_entry (id, statement_id, position, amount_minor, currency, direction, booking_date, end_to_end_id, counterparty_account, return_reason)
      SELECT e.id, ${statementId}, e.position, e.amount_minor, e.currency, e.direction, e.booking_date, e.end_to_end_id, e.counterparty_account, e.return_reason
        FROM (${rows}) e`;
    return { paid: 0, returned: 0 };
  }
  const [counts] = await tx.$queryRaw<LinkCounts[]>`
    WITH e AS MATERIALIZED (${rows}),
    link AS (
      SELECT DISTINCT ON (p.id, e.direction) e.id AS entry_id, p.id AS payment_id, CASE WHEN e.direction = 'DBIT' THEN 'paid' ELSE 'returned' END AS kind
        FROM e JOIN payment p ON p.end_to_end_id = e.end_to_end_id JOIN payment_run r ON r.id = p.run_id
       WHERE ${endToEndFits(link.payerAccountId)}
       ORDER BY p.id, e.direction, e.position
    ),
    ins AS (
      INSERT INTO statement_entry (id, statement_id, position, amount_minor, currency, direction, booking_date, end_to_end_id, counterparty_account, return_reason,
                                   payment_id, match_kind, matched_by, matched_at)
      SELECT e.id, ${statementId}, e.position, e.amount_minor, e.currency, e.direction, e.booking_date, e.end_to_end_id, e.counterparty_account, e.return_reason,
             l.payment_id, l.kind, CASE WHEN l.payment_id IS NOT NULL THEN 'end_to_end_id' END, CASE WHEN l.payment_id IS NOT NULL THEN ${link.at}::timestamptz END
        FROM e LEFT JOIN link l ON l.entry_id = e.id
      RETURNING match_kind
    )
    SELECT count(*) FILTER (WHERE match_kind = 'paid') AS paid, count(*) FILTER (WHERE match_kind = 'returned') AS returned FROM ins`;
  return linked(counts);
}

/** Links the statement's still unlinked entries by end-to-end id (the whole statement, one statement of SQL). */
async function linkByEndToEndId(tx: Tx, statementId: string, payerAccountId: string, at: Date): Promise<Linked> {
  const [counts] = await tx.$queryRaw<LinkCounts[]>`
    WITH link AS (
      SELECT DISTINCT ON (p.id, e.direction) e.id AS entry_id, p.id AS payment_id, CASE WHEN e.direction = 'DBIT' THEN 'paid' ELSE 'returned' END AS kind
        FROM statement_entry e JOIN payment p ON p.end_to_end_id = e.end_to_end_id JOIN payment_run r ON r.id = p.run_id
       WHERE e.statement_id = ${statementId} AND e.payment_id IS NULL AND ${endToEndFits(payerAccountId)}
       ORDER BY p.id, e.direction, e.position
    ),
    upd AS (
      UPDATE statement_entry e SET payment_id = l.payment_id, match_kind = l.kind, matched_by = 'end_to_end_id', matched_at = ${at}
        FROM link l WHERE e.id = l.entry_id AND e.payment_id IS NULL
      RETURNING e.match_kind
    )
    SELECT count(*) FILTER (WHERE match_kind = 'paid') AS paid, count(*) FILTER (WHERE match_kind = 'returned') AS returned FROM upd`;
  return linked(counts);
}

/**
 * Links the statement's unlinked debits by amount + currency + counterparty account + booking date within
 * the window, where exactly one open, unpaid payment fits the entry and exactly one entry fits the payment.
 */
async function linkByAmountAccountDate(tx: Tx, statementId: string, payerAccountId: string, at: Date, windowDays: number): Promise<number> {
  // Driven from the statement's unlinked debits, each looking up the open payments of its amount
  // (payment_open_amount_idx): a handful of candidates per entry, whatever the size of the statement.
  const [counts] = await tx.$queryRaw<LinkCounts[]>`
    WITH fit AS (
      SELECT e.id AS entry_id, p.id AS payment_id,
             count(*) OVER (PARTITION BY e.id) AS per_entry, count(*) OVER (PARTITION BY p.id) AS per_payment
        FROM statement_entry e
        JOIN payment p ON p.amount_minor = e.amount_minor AND p.status IN ('SENT', 'ACCEPTED') AND p.currency = e.currency
        JOIN payment_run r ON r.id = p.run_id
        JOIN bank_account b ON b.id = p.bank_account_id
       WHERE e.statement_id = ${statementId} AND e.payment_id IS NULL AND e.direction = 'DBIT' AND e.counterparty_account IS NOT NULL
         AND r.payer_account_id = ${payerAccountId}
         AND upper(regexp_replace(coalesce(b.account_number, b.iban), '\s', '', 'g')) = e.counterparty_account
         AND abs(r.value_date - e.booking_date) <= ${windowDays}::int
         AND NOT EXISTS (SELECT 1 FROM statement_entry x WHERE x.payment_id = p.id AND x.match_kind = 'paid')
    ),
    upd AS (
      UPDATE statement_entry e SET payment_id = f.payment_id, match_kind = 'paid', matched_by = 'amount_account_date', matched_at = ${at}
        FROM fit f WHERE e.id = f.entry_id AND f.per_entry = 1 AND f.per_payment = 1 AND e.payment_id IS NULL
      RETURNING e.match_kind
    )
    SELECT count(*) AS paid, 0::bigint AS returned FROM upd`;
  return linked(counts).paid;
}

/**
 * Index lookups whatever the statistics say, for the rest of the transaction: entries inserted earlier in
 * the same transaction are invisible to the planner's statistics, so a statement that starts on an empty
 * or freshly analysed table would otherwise be planned with sequential scans of statement_entry, re-read
 * for every batch (quadratic: 17.8 s instead of 3 s for 100,000 entries). Every lookup here has its index.
 */
const indexLookupsOnly = (tx: Tx) => tx.$executeRaw`SET LOCAL enable_seqscan = off`;

/** Linking on a payer account is one at a time (imports, match again, manual matches): the unique index never trips. */
const lockLinking = (tx: Tx, payerAccountId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`statement-link:${payerAccountId}`}, 0))`;

/** The stored statement, before matching. */
export type StoredStatement = Omit<ImportResult, "paid" | "returned" | "unmatched" | "settling">;

/**
 * Phase 1 (import + link): reads the statement as a stream and stores it with its entries, each batch
 * linked by end-to-end id as it is inserted, then the rest by amount + account + date — one transaction,
 * with the settlement job in the outbox. Refuses (keeping nothing) a statement imported before, one that
 * does not balance, or an unreadable one.
 */
export async function storeStatement(input: {
  source: StatementSource;
  chunks: Chunks;
  importedBy: string | null;
  allowedPayerAccountIds?: readonly string[];
  windowDays?: number;
  db?: Db;
}): Promise<StoredStatement & Linked> {
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
        const links: Linked = { paid: 0, returned: 0 };
        let batch: StatementEntry[] = [];
        // Inserts in flight while the next batch is read: the database and the parser work at once, and
        // the connection's queue sends the next insert as soon as the last one ends (they run in order,
        // so each batch's links see the earlier batches' rows). At most two batches held in memory.
        const inFlight: Promise<void>[] = [];

        const flush = async () => {
          if (inFlight.length >= 2) await inFlight.shift();
          if (batch.length === 0) return;
          const rows = batch;
          batch = [];
          const insert = insertEntries(tx, statementId, position - rows.length + 1, rows, payerAccountId ? { payerAccountId, at } : null).then((n) => {
            links.paid += n.paid;
            links.returned += n.returned;
          });
          // A failed insert surfaces where it is awaited; never left unobserved.
          insert.catch(() => undefined);
          inFlight.push(insert);
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
            if (payerAccountId) {
              await lockLinking(tx, payerAccountId);
              await indexLookupsOnly(tx);
            }
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
        for (const insert of inFlight.splice(0)) await insert;

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
        if (payerAccountId) links.paid += await linkByAmountAccountDate(tx, statementId, payerAccountId, at, input.windowDays ?? DEFAULT_WINDOW_DAYS);
        const stored: StoredStatement = { statementId, statementRef: head.statementId, accountRef: normalizeAccount(head.account), payerAccountId, entries: position };
        await recordAudit(tx, {
          actorId: input.importedBy,
          type: "statement.imported",
          data: { ...stored, source: input.source, sha256: sha, openingMinor: head.openingMinor.toString(), closingMinor: head.closingMinor.toString(), linkedPaid: links.paid, linkedReturned: links.returned },
        });
        // Settled in the background, committed with the links (or never, with them).
        if (links.paid + links.returned > 0) await enqueueJob(tx, JOBS.settleStatement, { statementId, actorId: input.importedBy, round: "import" });
        return { ...stored, ...links };
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

export type MatchResult = { paid: number; returned: number; unmatched: number; settling: number };

/** Entries linked to a payment that has not taken the entry's outcome yet (settleStatement's work). */
const pendingLink = Prisma.sql`((e.match_kind = 'paid' AND p.status IN ('SENT', 'ACCEPTED')) OR (e.match_kind = 'returned' AND p.status IN ('SENT', 'ACCEPTED', 'PAID')))`;
/** Links whose payment can take no outcome any more (refused or cancelled since): a person looks again. */
const staleLink = Prisma.sql`(e.matched_by <> 'manual' AND p.status NOT IN ('SENT', 'ACCEPTED', 'PAID', 'RETURNED'))`;

async function statementCounts(db: Db | Tx, statementId: string): Promise<{ unmatched: number; settling: number }> {
  const [row] = await db.$queryRaw<{ unmatched: bigint; settling: bigint }[]>`
    SELECT (SELECT count(*) FROM statement_entry e WHERE e.statement_id = ${statementId} AND e.payment_id IS NULL) AS unmatched,
           (SELECT count(*) FROM statement_entry e JOIN payment p ON p.id = e.payment_id WHERE e.statement_id = ${statementId} AND ${pendingLink}) AS settling`;
  return { unmatched: Number(row?.unmatched ?? 0), settling: Number(row?.settling ?? 0) };
}

/**
 * "Match again": links what is still unlinked on the statement (end-to-end id, then amount + account +
 * date), in one short transaction, and puts a settlement job in the outbox when anything waits to be
 * settled (new links, or old ones whose job was lost). Idempotent: only unlinked entries and payments
 * no entry has taken are considered. Answers what this run linked, what is left unmatched, and how many
 * links wait for settlement.
 */
export async function matchStatement(statementId: string, opts: { actorId: string | null; windowDays?: number; db?: Db }): Promise<MatchResult> {
  const db = opts.db ?? prisma;
  const statement = await db.bankStatement.findUnique({ where: { id: statementId }, select: { payerAccountId: true } });
  if (!statement) throw new AppError("not_found", { message: "no such statement" });
  const payerAccountId = statement.payerAccountId;
  const at = new Date();
  return db.$transaction(
    async (tx) => {
      let paid = 0;
      let returned = 0;
      if (payerAccountId) {
        await lockLinking(tx, payerAccountId);
        await indexLookupsOnly(tx);
        const byId = await linkByEndToEndId(tx, statementId, payerAccountId, at);
        paid = byId.paid + (await linkByAmountAccountDate(tx, statementId, payerAccountId, at, opts.windowDays ?? DEFAULT_WINDOW_DAYS));
        returned = byId.returned;
      }
      const counts = await statementCounts(tx, statementId);
      if (counts.settling > 0) await enqueueJob(tx, JOBS.settleStatement, { statementId, actorId: opts.actorId, round: `match-${at.getTime()}` });
      return { paid, returned, ...counts };
    },
    { timeout: 10 * 60_000, maxWait: 10_000 },
  );
}

export type SettleResult = { paid: number; returned: number; unlinked: number };

/** Settling one statement is one run at a time (the job, the sweep, a test). */
const lockSettling = (tx: Tx, statementId: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`statement-settle:${statementId}`}, 0))`;

/**
 * Phase 2 (the settle-statement job, the payments sweep, or at once): the statement's linked entries move
 * their payments through payment-outcomes.server.ts — payments, claims, one audit event and one message
 * per claim — in short transactions of SETTLE_BATCH positions: every paid link first, then the returns (a
 * payment paid and returned ends RETURNED; a return whose payment still waits for its paid link, on any
 * statement, gets that first). Idempotent: a payment that took its outcome is not moved again, so a second
 * run settles nothing more. Links whose payment can take no outcome any more are undone (audited), and
 * their entries wait for a person again.
 */
export async function settleStatement(statementId: string, opts: { actorId?: string | null; db?: Db; jobKey?: string } = {}): Promise<SettleResult> {
  const db = opts.db ?? prisma;
  const statement = await db.bankStatement.findUnique({ where: { id: statementId }, select: { entryCount: true, importedBy: true, statementRef: true } });
  if (!statement) throw new AppError("not_found", { message: "no such statement" });
  const by = { actorId: opts.actorId === undefined ? statement.importedBy : opts.actorId, source: "statement" as const, at: new Date() };
  let paid = 0;
  let returned = 0;
  for (const kind of ["paid", "returned"] as const) {
    for (let from = 1; from <= statement.entryCount; from += SETTLE_BATCH) {
      const to = from + SETTLE_BATCH - 1;
      const moved = await db.$transaction(
        async (tx) => {
          await lockSettling(tx, statementId);
          if (kind === "paid") {
            const rows = await tx.$queryRaw<{ payment_id: string }[]>`
              SELECT e.payment_id FROM statement_entry e JOIN payment p ON p.id = e.payment_id
               WHERE e.statement_id = ${statementId} AND e.position BETWEEN ${from} AND ${to} AND e.match_kind = 'paid' AND p.status IN ('SENT', 'ACCEPTED')`;
            return rows.length ? (await markPaymentsPaid(tx, rows.map((r) => r.payment_id), by)).size : 0;
          }
          const rows = await tx.$queryRaw<{ payment_id: string; reason: string | null; paid_first: boolean }[]>`
            SELECT e.payment_id, e.return_reason AS reason,
                   (p.status <> 'PAID' AND EXISTS (SELECT 1 FROM statement_entry x WHERE x.payment_id = p.id AND x.match_kind = 'paid')) AS paid_first
              FROM statement_entry e JOIN payment p ON p.id = e.payment_id
             WHERE e.statement_id = ${statementId} AND e.position BETWEEN ${from} AND ${to} AND e.match_kind = 'returned' AND p.status IN ('SENT', 'ACCEPTED', 'PAID')`;
          if (rows.length === 0) return 0;
          const paidFirst = rows.filter((r) => r.paid_first).map((r) => r.payment_id);
          if (paidFirst.length) await markPaymentsPaid(tx, paidFirst, by);
          return (await markPaymentsFailed(tx, rows.map((r) => ({ paymentId: r.payment_id, reason: r.reason ?? "RETURNED" })), "RETURNED", by)).size;
        },
        { timeout: 10 * 60_000, maxWait: 10_000 },
      );
      if (kind === "paid") paid += moved;
      else returned += moved;
    }
  }
  const unlinked = await db.$transaction(async (tx) => {
    await lockSettling(tx, statementId);
    const undone = await tx.$queryRaw<{ id: string; payment_id: string; match_kind: string; status: string }[]>`
      WITH stale AS (
        SELECT e.id, e.payment_id, e.match_kind, p.status FROM statement_entry e JOIN payment p ON p.id = e.payment_id
         WHERE e.statement_id = ${statementId} AND ${staleLink} FOR UPDATE OF e
      )
      UPDATE statement_entry e SET payment_id = NULL, match_kind = NULL, matched_by = NULL, matched_at = NULL
        FROM stale s WHERE e.id = s.id
      RETURNING s.id, s.payment_id, s.match_kind, s.status`;
    if (undone.length) {
      await recordAudit(tx, {
        actorId: null,
        type: "statement.links_undone",
        data: { statementId, statementRef: statement.statementRef, entries: undone.map((u) => ({ entryId: u.id, paymentId: u.payment_id, kind: u.match_kind, paymentStatus: u.status })) },
      });
    }
    if (opts.jobKey) await markOutboxDone(tx, opts.jobKey);
    return undone.length;
  });
  return { paid, returned, unlinked };
}

/**
 * Statements with links still waiting for their outcome (the payments sweep settles them: crash safety):
 * any link to a payment still SENT or ACCEPTED (found from the open payments, a small set), and returns of
 * PAID payments on statements of the last SWEEP_RETURNS_DAYS days (found from those statements' entries).
 */
export async function statementsToSettle(db: Db = prisma): Promise<string[]> {
  const rows = await db.$queryRaw<{ statement_id: string }[]>`
    SELECT DISTINCT e.statement_id FROM payment p JOIN statement_entry e ON e.payment_id = p.id
     WHERE p.status IN ('SENT', 'ACCEPTED')
    UNION
    SELECT DISTINCT e.statement_id
      FROM bank_statement s JOIN statement_entry e ON e.statement_id = s.id JOIN payment p ON p.id = e.payment_id
     WHERE s.imported_at > now() - make_interval(days => ${SWEEP_RETURNS_DAYS}) AND e.match_kind = 'returned' AND p.status = 'PAID'`;
  return rows.map((r) => r.statement_id);
}

/**
 * Imports one statement: stored and linked in one transaction (phase 1), its settlement in the outbox.
 * `settle: "now"` also settles it before answering (the seed, tests, callers that need the claims PAID on
 * return); otherwise the settle-statement job does, and `settling` says how many links wait for it.
 * `paid` and `returned` count the entries linked. `allowedPayerAccountIds` (a person's upload) refuses a
 * statement of an account that is not one of theirs; the bank link passes none and may import an unknown
 * account's statement, kept unlinked.
 */
export async function importStatement(input: {
  source: StatementSource;
  chunks: Chunks;
  importedBy: string | null;
  allowedPayerAccountIds?: readonly string[];
  windowDays?: number;
  settle?: "now" | "background";
  db?: Db;
}): Promise<ImportResult> {
  const { paid, returned, ...stored } = await storeStatement(input);
  if (input.settle !== "now" || paid + returned === 0) {
    // Every link just made waits for its settlement (linking takes only payments that can take the outcome).
    return { ...stored, paid, returned, unmatched: stored.entries - paid - returned, settling: paid + returned };
  }
  await settleStatement(stored.statementId, { actorId: input.importedBy, db: input.db });
  const counts = await statementCounts(input.db ?? prisma, stored.statementId);
  return { ...stored, paid, returned, ...counts };
}

/**
 * A person matches an unmatched entry with an open payment of the same payer account, amount and
 * currency: a debit pays a sent or accepted payment, a credit returns a sent, accepted or paid one.
 * Audited as a manual match, and the payment moves through the one place outcomes happen.
 */
export async function matchEntryManually(input: { entryId: string; paymentId: string; userId: string; allowedPayerAccountIds: readonly string[]; db?: Db }): Promise<{ kind: "paid" | "returned" }> {
  const db = input.db ?? prisma;
  return db.$transaction(async (tx) => {
    const [of] = await tx.$queryRaw<{ payer_account_id: string | null }[]>`
      SELECT s.payer_account_id FROM statement_entry e JOIN bank_statement s ON s.id = e.statement_id WHERE e.id = ${input.entryId}`;
    if (of?.payer_account_id) await lockLinking(tx, of.payer_account_id);
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
    // Another entry is linked to it already (being settled, or settled): not open for this outcome.
    const [taken] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM statement_entry WHERE payment_id = ${payment.id} AND match_kind = ${kind}`;
    if (taken) throw new AppError("invalid", { fieldErrors: { paymentId: "not_open" }, message: `another statement line ${kind === "paid" ? "pays" : "returns"} this payment already` });
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
         -- Linked to a statement line and being settled: not waiting for a person.
         AND NOT (p.status IN ('SENT', 'ACCEPTED') AND EXISTS (SELECT 1 FROM statement_entry x WHERE x.payment_id = p.id AND x.match_kind = 'paid'))
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

export type RecentStatementRow = { id: string; statementRef: string; source: string; entryCount: number; matched: number; settling: number; importedAt: string; closingMinor: bigint; currency: string };

export async function recentStatements(payerAccountId: string, db: Db = prisma, limit = 10): Promise<RecentStatementRow[]> {
  const rows = await db.$queryRaw<{ id: string; statement_ref: string; source: string; entry_count: number; matched: bigint; settling: bigint; imported_at: Date; closing_minor: bigint; currency: string }[]>`
    SELECT s.id, s.statement_ref, s.source, s.entry_count, s.imported_at, s.closing_minor, s.currency,
           (SELECT count(*) FROM statement_entry e WHERE e.statement_id = s.id AND e.payment_id IS NOT NULL) AS matched,
           (SELECT count(*) FROM statement_entry e JOIN payment p ON p.id = e.payment_id WHERE e.statement_id = s.id AND ${pendingLink}) AS settling
      FROM bank_statement s WHERE s.payer_account_id = ${payerAccountId}
     ORDER BY s.imported_at DESC LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    statementRef: r.statement_ref,
    source: r.source,
    entryCount: r.entry_count,
    matched: Number(r.matched),
    settling: Number(r.settling),
    importedAt: r.imported_at.toISOString(),
    closingMinor: r.closing_minor,
    currency: r.currency.trim(),
  }));
}

/** The last day anything happened on a payer account (a booked entry or a run's value date): the screen's default day. */
export async function latestActivityDay(payerAccountId: string, db: Db = prisma): Promise<string | null> {
  const [row] = await db.$queryRaw<{ day: string | null }[]>`
    SELECT to_char(greatest(
      (SELECT max(e.booking_date) FROM statement_entry e JOIN bank_statement s ON s.id = e.statement_id WHERE s.payer_account_id = ${payerAccountId}),
      (SELECT max(r.value_date) FROM payment_run r WHERE r.payer_account_id = ${payerAccountId} AND r.status IN ('RELEASED', 'DONE'))), 'YYYY-MM-DD') AS day`;
  return row?.day ?? null;
}
