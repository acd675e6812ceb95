/**
 * npm run sandbox-bank — the sandbox bank on SANDBOX_BANK_PORT (default 4700), until SIGTERM/SIGINT.
 * Point the app at it with BANK_LINK_URL=http://127.0.0.1:<port>.
 */
import { env } from "~/utils/env.server";
import { startSandboxBank } from "./bank";

const bank = await startSandboxBank({ port: env.SANDBOX_BANK_PORT, log: (line) => console.log(line) }).catch((err: unknown) => {
  console.error(`[sandbox-bank] cannot listen on port ${env.SANDBOX_BANK_PORT}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
console.log(`[sandbox-bank] listening on ${bank.url} (pain.001 in, pain.002 and camt.053 out; faults via POST ${bank.url}/admin/faults)`);
const stop = async (signal: string) => {
  console.log(`[sandbox-bank] ${signal}: ${JSON.stringify(bank.stats())}`);
  await bank.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
