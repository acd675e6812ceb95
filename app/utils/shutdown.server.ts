// Resources opened inside the Remix bundle (Prisma, queues) register here; server.ts and the workers
// run these on SIGTERM/SIGINT. Kept on globalThis because the bundle and server.ts are separate modules.
type Hook = () => Promise<unknown>;

declare global {
  var __afShutdownHooks: Hook[] | undefined;
}

export function onShutdown(hook: Hook): void {
  (globalThis.__afShutdownHooks ??= []).push(hook);
}

export async function runShutdownHooks(): Promise<void> {
  const hooks = globalThis.__afShutdownHooks ?? [];
  globalThis.__afShutdownHooks = [];
  await Promise.allSettled(hooks.reverse().map((h) => h()));
}

declare global {
  var __afDraining: boolean | undefined;
}

/** The web server got SIGTERM: its health check answers 503 so the load balancer stops sending it requests. */
export function markDraining(): void {
  globalThis.__afDraining = true;
}

export function isDraining(): boolean {
  return globalThis.__afDraining === true;
}
