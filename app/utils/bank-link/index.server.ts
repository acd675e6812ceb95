/** Picks the adapter a payer account names. */
import { env } from "~/utils/env.server";
import { fileConnector, type BankConnector } from "./connector";
import { hostToHostConnector } from "./host-to-host.server";

export type { BankConnector } from "./connector";

/** Whether a host-to-host link is set up (BANK_LINK_URL). Without one there is nothing to ask the bank. */
export function hostToHostLinkConfigured(): boolean {
  return Boolean(env.BANK_LINK_URL);
}

/**
 * The connector a payer account names. Host-to-host needs BANK_LINK_URL; without it there is none
 * (null), and the caller sends nothing.
 */
export function bankConnectorFor(kind: string): BankConnector | null {
  if (kind === "file") return fileConnector;
  if (kind === "host-to-host") return env.BANK_LINK_URL ? hostToHostConnector({ baseUrl: env.BANK_LINK_URL, timeoutMs: env.BANK_LINK_TIMEOUT_MS }) : null;
  return null;
}
