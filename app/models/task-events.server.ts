import { JOBS, taskEventKey, type TaskEventKind } from "~/domain/jobs";
import type { Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { enqueueJob } from "./outbox.server";

/**
 * Call inside the transaction that changes the task (JOBS.taskEvent): every transition goes to the
 * outbox with it, so the metrics worker (rollups, live counters, the wall board) sees every piece of
 * work exactly as Postgres committed it — and a Redis flush loses none of them. The payload is only a
 * pointer, the worker reads the row. Once per (task, kind), except reassignments: each is its own event.
 */
export async function emitTaskEvent(tx: Tx, taskId: string, kind: TaskEventKind, at: Date = new Date()): Promise<void> {
  const key = kind === "reassigned" ? taskEventKey(taskId, kind, newId()) : undefined;
  await enqueueJob(tx, JOBS.taskEvent, { taskId, kind, at: at.toISOString() }, { key });
}

/** Several tasks changed the same way in one statement (e.g. open approval steps cancelled together). */
export async function emitTaskEvents(tx: Tx, taskIds: readonly string[], kind: TaskEventKind, at: Date = new Date()): Promise<void> {
  for (const id of taskIds) await emitTaskEvent(tx, id, kind, at);
}
