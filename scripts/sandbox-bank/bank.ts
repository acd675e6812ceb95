/**
 * The sandbox bank: a real HTTP server (node:http) that behaves like a bank's host-to-host API (the
 * protocol is in app/utils/bank-link/host-to-host.server.ts). It validates each pain.001 against the
 * official schema, refuses a message id it already took (answering with the original report and booking
 * nothing), books each payment in a ledger keyed by end-to-end id, answers with pain.002, answers status
 * queries by message id, rejects (AC04/AC01) or books-then-returns payments to accounts on its lists,
 * and serves camt.053.001.08 statements. It can be told to misbehave through /admin/faults, and it
 * counts double payments: the same end-to-end id booked more than once, however it arrived.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { buildCamt053, type Camt053Line } from "~/domain/payment-files/camt053-build";
import { buildPain002, type Pain002Transaction, type TxStatus } from "~/domain/payment-files/pain002";
import { validateAgainstSchema } from "~/utils/xml-schema.server";
import { readPain001 } from "./read-pain001";

export const FAULT_KINDS = [
  /** Books the file, then drops the connection: the client never hears back. */
  "lose_answer",
  /** Books the file, then answers after `delayMs` (beyond the client's timeout). */
  "slow_answer",
  /** Answers with the same status report twice. */
  "duplicate_answer",
  /** Fails (503) before booking anything. */
  "fail_before_booking",
  /** Status queries answer 503 (`times` of them). */
  "status_unavailable",
  /** Answers PDNG first; the next status query has the final statuses. */
  "pending_first",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Fault = { kind: FaultKind; times: number; delayMs: number };

type Message = { messageId: string; bankReference: string; receivedAt: Date; pending: boolean; transactions: Pain002Transaction[]; reportSeq: number };
type Booking = { endToEndId: string; minor: bigint; currency: string; debtorAccount: string; creditorAccount: string; date: string; reference: string };
type Return = Booking & { reason: string; returnDate: string };

export type SandboxStats = {
  messages: number;
  bookings: number;
  distinct_end_to_end_ids: number;
  double_payments: number;
  duplicate_messages_refused: number;
  returns: number;
  rejected: number;
  faults_pending: number;
  faults_fired: Record<string, number>;
};

export type SandboxBankOptions = {
  port?: number;
  host?: string;
  /** Opening balance of every payer account on its first statement day (minor units). */
  openingMinor?: bigint;
  log?: (line: string) => void;
};

export type SandboxBank = {
  url: string;
  port: number;
  stats(): SandboxStats;
  close(): Promise<void>;
};

const DEFAULT_OPENING = 100_000_000_00n;

export async function startSandboxBank(opts: SandboxBankOptions = {}): Promise<SandboxBank> {
  const log = opts.log ?? (() => {});
  const messages = new Map<string, Message>();
  const bookings: Booking[] = [];
  const bookedCount = new Map<string, number>();
  const returns: Return[] = [];
  let faults: Fault[] = [];
  const fired: Record<string, number> = {};
  let closed = new Map<string, string>(); // account → reason (AC04 closed, AC01 wrong)
  let closedMode: "reject" | "return" = "reject";
  let returnAfterDays = 0;
  let duplicateRefused = 0;
  let rejected = 0;
  let seq = 0;
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (...kinds: FaultKind[]): Fault | null => {
    const i = faults.findIndex((f) => kinds.includes(f.kind));
    if (i < 0) return null;
    const f = faults[i]!;
    f.times -= 1;
    if (f.times <= 0) faults.splice(i, 1);
    fired[f.kind] = (fired[f.kind] ?? 0) + 1;
    return f;
  };

  const reportOf = (m: Message): string => {
    const statuses = new Set(m.transactions.map((t) => t.status));
    const group: TxStatus | "PART" = m.pending ? "PDNG" : statuses.size === 1 ? [...statuses][0]! : "PART";
    m.reportSeq += 1;
    return buildPain002({
      messageId: `${m.bankReference}-R${m.reportSeq}`,
      createdAt: new Date(),
      originalMessageId: m.messageId,
      originalMessageName: "pain.001.001.10",
      groupStatus: group,
      groupReason: null,
      bankReference: m.bankReference,
      transactions: m.transactions.map((t) => (m.pending ? { ...t, status: "PDNG", reason: null } : t)),
    });
  };

  const stats = (): SandboxStats => ({
    messages: messages.size,
    bookings: bookings.length,
    distinct_end_to_end_ids: bookedCount.size,
    double_payments: [...bookedCount.values()].reduce((sum, n) => sum + (n - 1), 0),
    duplicate_messages_refused: duplicateRefused,
    returns: returns.length,
    rejected,
    faults_pending: faults.reduce((sum, f) => sum + f.times, 0),
    faults_fired: { ...fired },
  });

  const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

  /** Books a schema-valid file; returns its message (new) — the only place money moves. */
  function book(xml: string): Message {
    const file = readPain001(xml);
    seq += 1;
    const bankReference = `SBX${String(seq).padStart(8, "0")}`;
    const transactions: Pain002Transaction[] = [];
    file.transfers.forEach((t, i) => {
      const reason = closed.get(t.creditorAccount);
      if (reason && closedMode === "reject") {
        rejected += 1;
        transactions.push({ endToEndId: t.endToEndId, status: "RJCT", reason, info: reason === "AC04" ? "closed account" : "invalid account" });
        return;
      }
      const booking: Booking = { endToEndId: t.endToEndId, minor: t.minor, currency: t.currency, debtorAccount: file.debtorAccount, creditorAccount: t.creditorAccount, date: file.executionDate, reference: `${bankReference}-${i + 1}` };
      bookings.push(booking);
      bookedCount.set(t.endToEndId, (bookedCount.get(t.endToEndId) ?? 0) + 1);
      if (reason) returns.push({ ...booking, reason, returnDate: addDays(file.executionDate, returnAfterDays), reference: `${booking.reference}-RT` });
      transactions.push({ endToEndId: t.endToEndId, status: "ACSP", reason: null, info: null });
    });
    const message: Message = { messageId: file.messageId, bankReference, receivedAt: new Date(), pending: false, transactions, reportSeq: 0 };
    messages.set(file.messageId, message);
    log(`[sandbox-bank] booked ${file.messageId} (${bankReference}): ${transactions.filter((t) => t.status !== "RJCT").length} of ${transactions.length} payments`);
    return message;
  }

  const send = (res: http.ServerResponse, status: number, body: unknown, type = "application/json") => {
    if (res.destroyed) return;
    const text = typeof body === "string" ? body : JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
    res.end(text);
  };

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  async function submit(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const xml = await readBody(req);
    if (takeFault("fail_before_booking")) return send(res, 503, { error: "unavailable" });
    const check = await validateAgainstSchema(xml, "pain.001.001.10");
    if (!check.valid) {
      const msgId = /<MsgId>([^<]{1,35})<\/MsgId>/.exec(xml)?.[1] ?? "UNKNOWN";
      const report = buildPain002({ messageId: `SBXRJ${Date.now()}`, createdAt: new Date(), originalMessageId: msgId, originalMessageName: "pain.001.001.10", groupStatus: "RJCT", groupReason: "FF01", bankReference: null, transactions: [] });
      return send(res, 422, { error: "schema_invalid", errors: check.errors.slice(0, 5), reports: [report] });
    }
    const messageId = readPain001(xml).messageId;
    const known = messages.get(messageId);
    if (known) {
      duplicateRefused += 1;
      return send(res, 409, { error: "duplicate_message", bankReference: known.bankReference, duplicate: true, reports: [reportOf(known)] });
    }
    const message = book(xml);
    const fault = takeFault("lose_answer", "slow_answer", "duplicate_answer", "pending_first");
    if (fault?.kind === "pending_first") message.pending = true;
    const report = reportOf(message);
    const body = { bankReference: message.bankReference, duplicate: false, reports: fault?.kind === "duplicate_answer" ? [report, report] : [report] };
    if (fault?.kind === "lose_answer") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "slow_answer") {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(res, 201, body);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    send(res, 201, body);
  }

  function status(messageId: string, res: http.ServerResponse): void {
    if (takeFault("status_unavailable")) return send(res, 503, { error: "status_unavailable" });
    const message = messages.get(messageId);
    if (!message) return send(res, 404, { error: "unknown_message" });
    // A pending file is decided by the time anyone asks.
    message.pending = false;
    const report = reportOf(message);
    send(res, 200, { bankReference: message.bankReference, reports: [report] });
  }

  function statement(account: string, date: string, res: http.ServerResponse): void {
    const mine = (d: string, acct: string) => acct === account && d <= date;
    const lines: (Camt053Line & { sortDate: string })[] = [];
    let opening = opts.openingMinor ?? DEFAULT_OPENING;
    for (const b of bookings) {
      if (!mine(b.date, b.debtorAccount)) continue;
      if (b.date < date) opening -= b.minor;
      else lines.push({ sortDate: b.date, minor: b.minor, direction: "DBIT", bookingDate: b.date, endToEndId: b.endToEndId, counterpartyAccount: b.creditorAccount, returnReason: null, reference: b.reference });
    }
    for (const r of returns) {
      if (!mine(r.returnDate, r.debtorAccount)) continue;
      if (r.returnDate < date) opening += r.minor;
      else lines.push({ sortDate: r.returnDate, minor: r.minor, direction: "CRDT", bookingDate: r.returnDate, endToEndId: r.endToEndId, counterpartyAccount: r.creditorAccount, returnReason: r.reason, reference: r.reference });
    }
    if (lines.length === 0 && !bookings.some((b) => b.debtorAccount === account)) return send(res, 404, { error: "no_statement" });
    const currency = bookings.find((b) => b.debtorAccount === account)?.currency ?? "CNY";
    const xml = buildCamt053({ messageId: `SBXSTMT${date.replaceAll("-", "")}`, statementId: `${account.slice(-20)}-${date}`, createdAt: new Date(`${date}T18:00:00Z`), account, currency, date, openingMinor: opening, lines });
    send(res, 200, xml, "application/xml");
  }

  async function admin(path: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (path === "/admin/stats" && req.method === "GET") return send(res, 200, stats());
    const body = req.method === "POST" ? ((JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>) ?? {}) : {};
    if (path === "/admin/faults" && req.method === "POST") {
      const kind = body.kind as FaultKind;
      if (!FAULT_KINDS.includes(kind)) return send(res, 400, { error: `kind must be one of ${FAULT_KINDS.join(", ")}` });
      faults.push({ kind, times: Number(body.times ?? 1), delayMs: Number(body.delayMs ?? 2_000) });
      return send(res, 200, { faults });
    }
    if (path === "/admin/faults" && req.method === "DELETE") {
      faults = [];
      return send(res, 200, { faults });
    }
    if (path === "/admin/closed-accounts" && req.method === "POST") {
      closed = new Map(Object.entries((body.accounts as Record<string, string> | undefined) ?? {}));
      closedMode = body.mode === "return" ? "return" : "reject";
      returnAfterDays = Number(body.returnAfterDays ?? 0);
      return send(res, 200, { accounts: Object.fromEntries(closed), mode: closedMode, returnAfterDays });
    }
    if (path === "/admin/reset" && req.method === "POST") {
      messages.clear();
      bookings.length = 0;
      bookedCount.clear();
      returns.length = 0;
      faults = [];
      closed = new Map();
      closedMode = "reject";
      duplicateRefused = 0;
      rejected = 0;
      for (const k of Object.keys(fired)) delete fired[k];
      return send(res, 200, { ok: true });
    }
    send(res, 404, { error: "not_found" });
  }

  // The schema validator compiles on first use: do it now, not on the first client's clock.
  await validateAgainstSchema("<warm-up/>", "pain.001.001.10");

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const statusMatch = /^\/h2h\/v1\/payments\/([^/]+)\/status$/.exec(url.pathname);
    const work =
      req.method === "POST" && url.pathname === "/h2h/v1/payments"
        ? submit(req, res)
        : req.method === "GET" && statusMatch
          ? Promise.resolve(status(decodeURIComponent(statusMatch[1]!), res))
          : req.method === "GET" && url.pathname === "/h2h/v1/statements"
            ? Promise.resolve(statement(url.searchParams.get("account") ?? "", url.searchParams.get("date") ?? "", res))
            : url.pathname === "/health"
              ? Promise.resolve(send(res, 200, { ok: true }))
              : url.pathname.startsWith("/admin/")
                ? admin(url.pathname, req, res)
                : Promise.resolve(send(res, 404, { error: "not_found" }));
    work.catch((err: unknown) => {
      log(`[sandbox-bank] ${req.method} ${url.pathname} failed: ${err instanceof Error ? err.message : String(err)}`);
      send(res, 500, { error: "internal" });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    port,
    stats,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
