/** Tells a running sandbox bank how to behave (its /admin endpoints), for tests, the drill and the demo. */
import type { FaultKind, SandboxStats } from "./bank";

export function sandboxAdmin(baseUrl: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`sandbox bank ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    injectFault: (kind: FaultKind, opts: { times?: number; delayMs?: number } = {}) => call("POST", "/admin/faults", { kind, ...opts }),
    clearFaults: () => call("DELETE", "/admin/faults"),
    /** Accounts the bank treats as closed (AC04) or wrong (AC01): rejected in the report, or booked and returned on the statement. */
    setClosedAccounts: (accounts: Record<string, "AC04" | "AC01">, mode: "reject" | "return" = "reject", returnAfterDays = 0) =>
      call("POST", "/admin/closed-accounts", { accounts, mode, returnAfterDays }),
    reset: () => call("POST", "/admin/reset"),
    stats: () => call<SandboxStats>("GET", "/admin/stats"),
  };
}
