import type { Tx } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { enqueueInTransaction } from "./outbox.server";

/**
 * What happened to a task. Every task transition writes one of these to the outbox in the same
 * transaction, so the metrics worker (rollups, live counters, the wall board) sees every piece of
 * work exactly as Postgres committed it — and a Redis flush loses none of them.
 *
 *  created    a task row was inserted (approval step opened, claim routed, QA sample drawn)
 *  started    an operator took it (Next, or opened an approval)
 *  finished   it was decided (status DONE, outcome set)
 *  cancelled  it was withdrawn without a decision (status CANCELLED)
 *  reassigned a supervisor moved it to someone else (may happen several times)
 */
export type TaskEventKind = "created" | "started" | "finished" | "cancelled" | "reassigned";

export const METRICS_TASK_EVENT_JOB = "task-event";

export type TaskEventPayload = { taskId: string; kind: TaskEventKind; at: string };

/** The job key: once per (task, kind) for the one-off transitions; reassignments are each their own event. */
export function taskEventKey(taskId: string, kind: TaskEventKind): string {
  return kind === "reassigned" ? `metrics-${kind}-${taskId}-${newId()}` : `metrics-${kind}-${taskId}`;
}

/** Call inside the transaction that changes the task; the payload is only a pointer, the worker reads the row. */
export async function emitTaskEvent(tx: Tx, taskId: string, kind: TaskEventKind, at: Date = new Date()): Promise<void> {
  await enqueueInTransaction(tx, {
    queue: "metrics",
    jobName: METRICS_TASK_EVENT_JOB,
    jobKey: taskEventKey(taskId, kind),
    payload: { taskId, kind, at: at.toISOString() },
  });
}

/** Several tasks changed the same way in one statement (e.g. open approval steps cancelled together). */
export async function emitTaskEvents(tx: Tx, taskIds: readonly string[], kind: TaskEventKind, at: Date = new Date()): Promise<void> {
  for (const id of taskIds) await emitTaskEvent(tx, id, kind, at);
}
