/**
 * The workstation's keyboard map: one table drives the key handler and the help overlay, so they
 * cannot disagree. Typing in a field never triggers a shortcut (see `isTypingTarget`).
 */
import { isTypingTarget, type ShortcutEvent } from "./viewer-shortcuts";

export { isTypingTarget };

export type WorkstationAction =
  | "approve"
  | "focusReturn"
  | "focusReject"
  | "nextLine"
  | "previousLine"
  | "nextTask"
  | "openViewer"
  | "toggleHelp"
  | "closeHelp";

/** `keys` are KeyboardEvent.key values; `labels` are how the help overlay prints them. */
export const WORKSTATION_SHORTCUTS: readonly { action: WorkstationAction; keys: readonly string[]; labels: readonly string[] }[] = [
  { action: "approve", keys: ["a", "A"], labels: ["A"] },
  { action: "focusReturn", keys: ["r", "R"], labels: ["R"] },
  { action: "focusReject", keys: ["x", "X"], labels: ["X"] },
  { action: "nextLine", keys: ["j", "J", "ArrowDown"], labels: ["J", "↓"] },
  { action: "previousLine", keys: ["k", "K", "ArrowUp"], labels: ["K", "↑"] },
  { action: "nextTask", keys: ["n", "N"], labels: ["N"] },
  { action: "openViewer", keys: ["v", "V"], labels: ["V"] },
  { action: "toggleHelp", keys: ["?"], labels: ["?"] },
  { action: "closeHelp", keys: ["Escape"], labels: ["Esc"] },
];

const BY_KEY = new Map<string, WorkstationAction>(WORKSTATION_SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

export type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean };

/** The action for a key press, or null; Ctrl/⌘/Alt combinations stay with the browser. */
export function workstationActionForKey(press: KeyPress): WorkstationAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  return BY_KEY.get(press.key) ?? null;
}

/** The printed keys of an action, e.g. "J / ↓". */
export function workstationHint(action: WorkstationAction): string {
  return WORKSTATION_SHORTCUTS.find((s) => s.action === action)?.labels.join(" / ") ?? "";
}

/** The line index after moving by `delta` from `current` (-1 = none selected), clamped to the list. */
export function moveSelection(current: number, delta: 1 | -1, count: number): number {
  if (count <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + delta));
}

/**
 * The workstation's action for a key press, or null to leave the key alone. Held keys do not repeat (one
 * press, one decision); Esc works even from a text field; while help is open only its own keys work.
 */
export function workstationShortcut(event: ShortcutEvent, helpOpen: boolean): WorkstationAction | null {
  if (event.repeat || event.defaultPrevented) return null;
  const action = workstationActionForKey(event);
  if (!action) return null;
  if (action !== "closeHelp" && isTypingTarget(event.target)) return null;
  if (helpOpen && action !== "toggleHelp" && action !== "closeHelp") return null;
  return action;
}

/** The queue page's one shortcut: N takes the next task, as on the workstation (held keys do not repeat). */
export function queueShortcut(event: ShortcutEvent): "nextTask" | null {
  if (event.repeat || event.defaultPrevented || isTypingTarget(event.target)) return null;
  return workstationActionForKey(event) === "nextTask" ? "nextTask" : null;
}
