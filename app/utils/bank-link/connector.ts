/**
 * How a payment file reaches the bank, behind one interface with two adapters:
 *  - "file": the app sends nothing. A person downloads the file, uploads it in the bank's e-banking and
 *    marks the run sent; its status is set by hand too. Every call here answers "manual".
 *  - "host-to-host": HTTP to the bank (app/utils/bank-link/host-to-host.server.ts): submit the file,
 *    ask for a status report by message id, fetch the day's statement.
 * Outcomes are values, never exceptions: a timeout or a lost connection is "unknown", which the caller
 * resolves by asking for the status, never by submitting again.
 */
export type ConnectorKind = "file" | "host-to-host";

export type OutgoingFile = { messageId: string; fileName: string; bytes: Uint8Array };

export type SubmitOutcome =
  /** The bank answered: its status reports (pain.002 XML, possibly more than one, possibly the same twice). */
  | { kind: "answered"; bankReference: string | null; duplicateMessage: boolean; reports: string[] }
  /** The bank refused the file as a whole and booked nothing (e.g. it failed the schema); reports say why. */
  | { kind: "refused"; reason: string; reports: string[] }
  /** No answer we can trust (timeout, connection lost, a gateway error): the file may or may not have arrived. */
  | { kind: "unknown"; reason: string }
  | { kind: "manual" };

export type StatusOutcome =
  | { kind: "reports"; reports: string[] }
  /** The bank says it never received a file with this message id. */
  | { kind: "not_received" }
  | { kind: "unavailable"; reason: string }
  | { kind: "manual" };

export type StatementOutcome = { kind: "statement"; bytes: Uint8Array } | { kind: "none" } | { kind: "unavailable"; reason: string } | { kind: "manual" };

export interface BankConnector {
  readonly kind: ConnectorKind;
  /** Whether the app itself transmits files (host-to-host) or a person does (file). */
  readonly sendsFiles: boolean;
  submit(file: OutgoingFile): Promise<SubmitOutcome>;
  queryStatus(messageId: string): Promise<StatusOutcome>;
  fetchStatement(account: string, date: string): Promise<StatementOutcome>;
}

export const fileConnector: BankConnector = {
  kind: "file",
  sendsFiles: false,
  submit: () => Promise.resolve({ kind: "manual" }),
  queryStatus: () => Promise.resolve({ kind: "manual" }),
  fetchStatement: () => Promise.resolve({ kind: "manual" }),
};
