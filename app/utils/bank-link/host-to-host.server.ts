/**
 * The host-to-host adapter: plain HTTP(S) with JSON envelopes around ISO 20022 XML, the way banks'
 * host-to-host APIs work (and the sandbox bank, scripts/sandbox-bank/, speaks):
 *   POST /h2h/v1/payments                       body: pain.001 XML → { bankReference, duplicate, reports: [pain.002 XML] }
 *        409 a message id the bank already has  → the original answer (nothing booked again)
 *        422 refused whole (schema)             → { error, reports }
 *   GET  /h2h/v1/payments/<MsgId>/status        → { reports } | 404 never received
 *   GET  /h2h/v1/statements?account=&date=      → camt.053 XML | 404 none
 * Every call has an explicit timeout. A submission without a trustworthy answer is "unknown".
 */
import type { BankConnector, StatementOutcome, StatusOutcome, SubmitOutcome } from "./connector";

export type HostToHostOptions = { baseUrl: string; timeoutMs: number };

type Envelope = { bankReference?: unknown; duplicate?: unknown; reports?: unknown; error?: unknown };

function reportsOf(body: Envelope): string[] | null {
  return Array.isArray(body.reports) && body.reports.every((r) => typeof r === "string") ? (body.reports as string[]) : null;
}

/** Why a request got no answer, in one short phrase for the log and the audit. */
export function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError" || err.name === "AbortError") return "timeout";
    const code = (err.cause as { code?: string } | undefined)?.code;
    if (code === "ECONNREFUSED") return "connection_refused";
    if (code) return `connection_lost:${code}`;
    return `connection_lost:${err.message}`;
  }
  return "connection_lost";
}

export function hostToHostConnector(opts: HostToHostOptions): BankConnector {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });

  async function readJson(res: Response): Promise<Envelope | null> {
    try {
      return (await res.json()) as Envelope;
    } catch {
      return null;
    }
  }

  return {
    kind: "host-to-host",
    sendsFiles: true,

    async submit(file): Promise<SubmitOutcome> {
      let res: Response;
      let body: Envelope | null;
      try {
        res = await call("/h2h/v1/payments", {
          method: "POST",
          headers: { "content-type": "application/xml", "x-message-id": file.messageId },
          body: Buffer.from(file.bytes),
        });
        // The body is part of the answer: a connection lost while reading it is no answer either.
        body = await readJson(res);
      } catch (err) {
        return { kind: "unknown", reason: describeFailure(err) };
      }
      const reports = body ? reportsOf(body) : null;
      if ((res.status === 200 || res.status === 201 || res.status === 409) && reports) {
        return { kind: "answered", bankReference: typeof body?.bankReference === "string" ? body.bankReference : null, duplicateMessage: res.status === 409, reports };
      }
      if (res.status === 422 && reports) return { kind: "refused", reason: typeof body?.error === "string" ? body.error : "refused", reports };
      // A gateway error may come after the bank took the file: we cannot know.
      return { kind: "unknown", reason: `http_${res.status}` };
    },

    async queryStatus(messageId): Promise<StatusOutcome> {
      try {
        const res = await call(`/h2h/v1/payments/${encodeURIComponent(messageId)}/status`);
        const body = await readJson(res);
        if (res.status === 404) return { kind: "not_received" };
        const reports = body ? reportsOf(body) : null;
        if (res.status === 200 && reports) return { kind: "reports", reports };
        return { kind: "unavailable", reason: `http_${res.status}` };
      } catch (err) {
        return { kind: "unavailable", reason: describeFailure(err) };
      }
    },

    async fetchStatement(account, date): Promise<StatementOutcome> {
      try {
        const res = await call(`/h2h/v1/statements?${new URLSearchParams({ account, date })}`);
        if (res.status === 404) return { kind: "none" };
        if (res.status !== 200) return { kind: "unavailable", reason: `http_${res.status}` };
        return { kind: "statement", bytes: new Uint8Array(await res.arrayBuffer()) };
      } catch (err) {
        return { kind: "unavailable", reason: describeFailure(err) };
      }
    },
  };
}
