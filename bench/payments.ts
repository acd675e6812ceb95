/**
 * Payments benchmark (issue 10): the payment file of a large run, and a large bank statement.
 *
 *   npm run bench:payments    (tsx bench/payments.ts [--payments 10000] [--entries 100000] [--runs 3] [--drill-runs 40])
 *
 * 1. pain.001: a run of --payments payments is built (buildPain001) and validated against the official
 *    schema, against a bare schema validation of the same file in the same run (median of --runs).
 * 2. camt.053: in a database of its own (accounting_factory_payments_bench; BENCH_DATABASE_URL to change
 *    it, the name must end in _bench because it is emptied), --entries SENT payments of one payer account
 *    (fixtures/treasury.ts). A camt.053 of --entries entries (90% with their end-to-end id, 10% only amount
 *    and account) is written to a temp file, then: a bare streaming parse of the file (saxes, counting the
 *    entries), and importStatement() of the same file — streamed, stored and matched (every entry linked to
 *    its payment, by end-to-end id or by amount + account + date: the "imported and matched") — in
 *    entries per second; camt_ratio is ours ÷ bare. Then, timed on its own, the settlement the import queued
 *    (settleStatement, what the settle-statement job runs): every payment and claim PAID with its audit event
 *    and message, as camt_settle_entries_per_s. The peak RSS growth during the import, against the file's
 *    size, shows that memory does not follow the file.
 * 3. Exactly once: the sandbox bank's drill (scripts/sandbox-bank/drill.ts) sends --drill-runs runs of 4
 *    payments with a random fault each (lost, slow and duplicate answers, failures before booking, status
 *    unavailable, a crash after the claim, the job run twice); `double_payments` is what the bank booked twice.
 * Prints a table, then exactly one JSON line.
 */
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SaxesParser } from "saxes";
import { buildPain001, type Pain001Run } from "~/domain/payment-files/pain001";
import { appDatabaseUrl } from "~/utils/database-roles.server";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { seedSentRun } from "../fixtures/treasury";
import { seedBenchDatabase } from "./bench-db";
import { positiveArg } from "./cli";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/accounting_factory_payments_bench";
const PAYMENTS = positiveArg("payments", 10_000, { whole: true });
const ENTRIES = positiveArg("entries", 100_000, { whole: true });
const RUNS = positiveArg("runs", 3, { whole: true });
/** The exactly-once drill against the sandbox bank: runs of 4 payments, each with a random injected fault. */
const DRILL_RUNS = positiveArg("drill-runs", 40, { whole: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function painRun(n: number): Pain001Run {
  return {
    messageId: "BENCH-PAIN-0001",
    createdAt: new Date("2026-12-07T09:00:00Z"),
    initiatingParty: "Accounting Factory SSC",
    paymentInfoId: "BENCH-PMTINF-0001",
    valueDate: "2026-12-08",
    currency: "CNY",
    debtor: { kind: "cn", holderName: "集团总部", accountNumber: "110060149018170014822", bankName: "中国银行上海分行", cnapsCode: "104290003791" },
    payments: Array.from({ length: n }, (_, i) => ({
      endToEndId: `BENCH${String(i + 1).padStart(10, "0")}`,
      minor: BigInt(10_000 + ((i * 7919) % 900_000)),
      creditor: { kind: "cn" as const, holderName: `员工 ${i + 1}`, accountNumber: `6222${String(i).padStart(15, "0")}`, bankName: "中国工商银行", cnapsCode: "102100099996" },
      remittance: `Expense claim ${i + 1}`,
    })),
  };
}

async function benchPain001() {
  const run = painRun(PAYMENTS);
  const ours: number[] = [];
  const bare: number[] = [];
  let valid = true;
  let xml = "";
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    xml = buildPain001(run);
    const check = await validateAgainstSchema(xml, "pain.001.001.10");
    ours.push(performance.now() - t0);
    valid &&= check.valid;
    t0 = performance.now();
    await validateAgainstSchema(xml, "pain.001.001.10");
    bare.push(performance.now() - t0);
  }
  return { oursMs: median(ours), bareMs: median(bare), valid, bytes: Buffer.byteLength(xml) };
}

/** Writes the statement as a stream (never whole in memory): one entry per payment, in order. */
async function writeCamt(file: string, account: string, payments: readonly { endToEndId: string; account: string; minor: bigint }[]): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, "drain");
  };
  const amount = (m: bigint) => `${m / 100n}.${String(m % 100n).padStart(2, "0")}`;
  const opening = 10_000_000_000n;
  const closing = opening - payments.reduce((s, p) => s + p.minor, 0n);
  const bal = (cd: string, m: bigint) => `<Bal><Tp><CdOrPrtry><Cd>${cd}</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">${amount(m)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-08</Dt></Dt></Bal>`;
  await write(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH-CAMT</MsgId><CreDtTm>2026-12-08T18:00:00Z</CreDtTm></GrpHdr>` +
      `<Stmt><Id>BENCH-STMT-${Date.now()}</Id><Acct><Id><Othr><Id>${account}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>${bal("OPBD", opening)}${bal("CLBD", closing)}\n`,
  );
  for (const [i, p] of payments.entries()) {
    const ref = i % 10 === 9 ? "" : `<Refs><EndToEndId>${p.endToEndId}</EndToEndId></Refs>`;
    await write(
      `<Ntry><Amt Ccy="CNY">${amount(p.minor)}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-08</Dt></BookgDt><BkTxCd><Prtry><Cd>TRANSFER</Cd></Prtry></BkTxCd>` +
        `<NtryDtls><TxDtls>${ref}<RltdPties><CdtrAcct><Id><Othr><Id>${p.account}</Id></Othr></Id></CdtrAcct></RltdPties></TxDtls></NtryDtls></Ntry>\n`,
    );
  }
  await write(`</Stmt></BkToCstmrStmt></Document>\n`);
  out.end();
  await once(out, "finish");
}

/** The floor: saxes over the same file, counting entries, nothing else. */
async function bareParse(file: string): Promise<number> {
  const parser = new SaxesParser({ xmlns: false });
  let entries = 0;
  parser.on("closetag", (tag) => {
    if (tag.name === "Ntry") entries++;
  });
  const decoder = new TextDecoder();
  for await (const chunk of fs.createReadStream(file)) parser.write(decoder.decode(chunk as Buffer, { stream: true }));
  parser.close();
  return entries;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_URL;
  process.env.DATABASE_URL = url;
  process.env.APP_DATABASE_URL = appDatabaseUrl(url);
  process.env.NODE_ENV ??= "production";

  const pain = await benchPain001();
  console.log(`[bench:payments] pain.001 of ${PAYMENTS.toLocaleString("en")} payments (${(pain.bytes / 1e6).toFixed(1)} MB): build + validate ${pain.oursMs.toFixed(0)} ms, bare validation ${pain.bareMs.toFixed(0)} ms, valid: ${pain.valid}`);

  const { admin, seededSeconds } = await seedBenchDatabase(url, "SELECT 1", [
    "notification", "statement_entry", "bank_statement", "payment", "payment_file", "payment_run", "payer_account", "bank_account",
    "outbox_event", "claim", "user_company", "app_user", "department", "company",
  ]);
  let t0 = performance.now();
  const run = await seedSentRun(admin, { payments: Array.from({ length: ENTRIES }, (_, i) => ({ minor: BigInt(1_000 + (i % 500_000)) })) });
  await admin.query("VACUUM ANALYZE");
  console.log(`[bench:payments] ${ENTRIES.toLocaleString("en")} SENT payments seeded in ${((performance.now() - t0) / 1000 + seededSeconds).toFixed(1)} s`);

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "af-camt-")), "statement.xml");
  await writeCamt(file, run.payerAccountNumber, run.payments);
  const fileMb = fs.statSync(file).size / 1e6;

  t0 = performance.now();
  const counted = await bareParse(file);
  const bareMs = performance.now() - t0;
  if (counted !== ENTRIES) throw new Error(`bare parse counted ${counted} entries`);

  const { importStatement, settleStatement } = await import("~/models/bank-statements.server");
  const { prisma } = await import("~/utils/db.server");
  await prisma.$queryRaw`SELECT 1`; // connect before measuring
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let rssPeak = rssBefore;
  let heapPeak = heapBefore;
  // With --expose-gc, the heap is measured after a collection every half second: what the import keeps
  // alive, not the garbage it has not collected yet.
  let ticks = 0;
  const sampler = setInterval(() => {
    if (global.gc && ++ticks % 20 === 0) global.gc();
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    if (!global.gc || ticks % 20 === 0) heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 25);
  t0 = performance.now();
  const result = await importStatement({ source: "camt053", chunks: fs.createReadStream(file, { highWaterMark: 256 * 1024 }), importedBy: run.preparerId });
  const oursMs = performance.now() - t0;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  if (result.entries !== ENTRIES || result.paid !== ENTRIES) throw new Error(`imported ${result.entries} entries, ${result.paid} linked (expected ${ENTRIES} of each)`);
  if (result.settling !== ENTRIES) throw new Error(`${result.settling} links wait for settlement (expected ${ENTRIES})`);

  // The settlement the import put in the outbox, run here as its job would: timed apart, labelled apart.
  t0 = performance.now();
  const settled = await settleStatement(result.statementId);
  const settleMs = performance.now() - t0;
  if (settled.paid !== ENTRIES) throw new Error(`settled ${settled.paid} payments (expected ${ENTRIES})`);
  const { rows } = await admin.query<{ paid: string; audit: string }>(
    `SELECT (SELECT count(*) FROM claim WHERE status = 'PAID') AS paid, (SELECT count(*) FROM audit_event WHERE type = 'claim.paid') AS audit`,
  );
  if (Number(rows[0]!.paid) !== ENTRIES || Number(rows[0]!.audit) !== ENTRIES) throw new Error(`claims PAID ${rows[0]!.paid}, audit events ${rows[0]!.audit}`);

  // Exactly once: many runs sent to the sandbox bank with injected timeouts, lost and duplicate answers,
  // crashes after the claim and jobs run twice; the bank counts every end-to-end id it booked twice.
  const { runDoublePaymentDrill } = await import("../scripts/sandbox-bank/drill");
  const drill = await runDoublePaymentDrill({ runs: DRILL_RUNS, paymentsPerRun: 4, seed: 1 });
  console.log(
    `[bench:payments] drill: ${drill.runs} runs, ${drill.payments} payments, faults ${JSON.stringify(drill.faults)}; booked once ${drill.booked_once}, never booked ${drill.never_booked}, unknowns ${drill.unknowns} (resolved ${drill.unknowns_resolved}), double payments ${drill.double_payments}`,
  );
  await prisma.$disconnect();
  await admin.end();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });

  const bareEps = ENTRIES / (bareMs / 1000);
  const oursEps = ENTRIES / (oursMs / 1000);
  const settleEps = ENTRIES / (settleMs / 1000);
  const growthMb = (rssPeak - rssBefore) / 1e6;
  const heapGrowthMb = (heapPeak - heapBefore) / 1e6;
  console.log(`\n${"phase".padEnd(22)} ${"ms".padStart(8)}  ${"entries/s".padStart(10)}`);
  console.log(`${"bare saxes parse".padEnd(22)} ${bareMs.toFixed(0).padStart(8)}  ${bareEps.toFixed(0).padStart(10)}`);
  console.log(`${"import + match (link)".padEnd(22)} ${oursMs.toFixed(0).padStart(8)}  ${oursEps.toFixed(0).padStart(10)}   ← camt_ratio ${(oursEps / bareEps).toFixed(3)}`);
  console.log(`${"settle (background)".padEnd(22)} ${settleMs.toFixed(0).padStart(8)}  ${settleEps.toFixed(0).padStart(10)}   ← payments + claims PAID, audit, messages`);
  console.log(`\ncamt.053 ${fileMb.toFixed(1)} MB, ${ENTRIES.toLocaleString("en")} entries all matched (10% by amount + account + date), then all settled; peak RSS growth ${growthMb.toFixed(1)} MB during the import (JavaScript heap in use: ${heapGrowthMb.toFixed(1)} MB)`);
  console.log(
    JSON.stringify({
      bench: "payments",
      payments: PAYMENTS,
      schema_valid: pain.valid,
      pain001_ms: Math.round(pain.oursMs),
      pain001_bare_validation_ms: Math.round(pain.bareMs),
      pain001_ratio: Number((pain.oursMs / pain.bareMs).toFixed(2)),
      camt_entries: ENTRIES,
      camt_entries_per_s: Math.round(oursEps),
      camt_bare_entries_per_s: Math.round(bareEps),
      camt_ratio: Number((oursEps / bareEps).toFixed(3)),
      camt_settle_ms: Math.round(settleMs),
      camt_settle_entries_per_s: Math.round(settleEps),
      camt_file_mb: Number(fileMb.toFixed(1)),
      camt_peak_rss_growth_mb: Number(growthMb.toFixed(1)),
      camt_peak_heap_growth_mb: Number(heapGrowthMb.toFixed(1)),
      drill_payments: drill.payments,
      drill_unknowns_resolved: drill.unknowns_resolved,
      double_payments: drill.double_payments,
    }),
  );
}

main().catch((err: unknown) => {
  console.error("[bench:payments] failed:", err);
  process.exit(1);
});
