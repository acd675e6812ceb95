import { randomUUID } from "node:crypto";

/** Row ids are UUIDv4 strings; human-facing numbers (claim numbers) are separate. */
export function newId(): string {
  return randomUUID();
}
