/**
 * npm run simulate -- --speed 60: a simulated SSC day against the running app (same DATABASE_URL,
 * REDIS_URL, QUEUE_PREFIX and STORAGE_DIR as the app; its workers route and image what the bots do).
 * Ctrl-C stops scheduling, lets the transactions in progress finish, then closes the connections;
 * a second Ctrl-C quits at once.
 */
import { runShutdownHooks } from "~/utils/shutdown.server";
import { USAGE, parseOptions, type SimOptions } from "./simulate/model";
import { runSimulation } from "./simulate/run";

async function main(): Promise<void> {
  let opts: SimOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message !== "help") console.error(`[simulate] ${message}`);
    console.error(USAGE);
    process.exitCode = message === "help" ? 0 : 2;
    return;
  }
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) {
      console.error(`[simulate] ${signal} again: quitting now`);
      process.exit(130);
    }
    console.error(`[simulate] ${signal}: stopping after the actions in progress (Ctrl-C again to quit now)`);
    controller.abort();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  try {
    await runSimulation({ ...opts, signal: controller.signal });
  } finally {
    await runShutdownHooks();
  }
}

main().catch((err: unknown) => {
  console.error("[simulate] failed:", err instanceof Error ? err.message : err);
  process.exitCode = 1;
  void runShutdownHooks();
});
