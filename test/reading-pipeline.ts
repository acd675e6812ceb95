/**
 * The reading pipeline of issue 14 for an integration test file: the outbox relay, the imaging worker and
 * the reading worker, started before the file's tests (leftover jobs of earlier files cleared) and
 * stopped after them. Call once at the top of a describe block.
 */
import type { Worker } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import { configureSharp } from "~/jobs/render-receipt";
import { startImagingWorker } from "../workers/imaging";
import { startReadingWorker } from "../workers/reading";
import { startRelay, type Relay } from "../workers/relay";
import { clearLeftoverJobs } from "./helpers";

export function useReadingPipeline(): void {
  let relay: Relay | undefined;
  let imaging: Worker | undefined;
  let reading: Worker | undefined;
  beforeAll(async () => {
    await clearLeftoverJobs();
    configureSharp(2);
    imaging = startImagingWorker({ concurrency: 2 });
    reading = startReadingWorker();
    relay = await startRelay({ pollMs: 50 });
  });
  afterAll(async () => {
    await relay?.stop();
    await Promise.all([imaging?.close(), reading?.close()]);
  });
}
