/**
 * The receipt viewer's keyboard map: one table drives the key handler, the help overlay and the
 * tooltips, so they cannot disagree.
 */

export type ViewerAction =
  | "zoomIn"
  | "zoomOut"
  | "fit"
  | "rotate"
  | "nextReceipt"
  | "previousReceipt"
  | "nextPage"
  | "previousPage"
  | "toggleHelp"
  | "closeHelp";

/** `keys` are KeyboardEvent.key values; `labels` are how the help overlay and tooltips print them. */
export const SHORTCUTS: readonly { action: ViewerAction; keys: readonly string[]; labels: readonly string[] }[] = [
  { action: "zoomIn", keys: ["+", "="], labels: ["+", "="] },
  { action: "zoomOut", keys: ["-", "_"], labels: ["-"] },
  { action: "fit", keys: ["0"], labels: ["0"] },
  { action: "rotate", keys: ["r", "R"], labels: ["R"] },
  { action: "nextReceipt", keys: ["ArrowRight", "n", "N"], labels: ["→", "N"] },
  { action: "previousReceipt", keys: ["ArrowLeft", "p", "P"], labels: ["←", "P"] },
  { action: "nextPage", keys: ["PageDown", "j", "J"], labels: ["PgDn", "J"] },
  { action: "previousPage", keys: ["PageUp", "k", "K"], labels: ["PgUp", "K"] },
  { action: "toggleHelp", keys: ["?"], labels: ["?"] },
  { action: "closeHelp", keys: ["Escape"], labels: ["Esc"] },
];

const BY_KEY = new Map<string, ViewerAction>(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

export type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean };

/**
 * The action for a key press, or null. Presses with Ctrl/⌘/Alt are left to the browser (Ctrl+0,
 * Ctrl++ and ⌘← must keep working); Shift is allowed because "?" and "+" need it on most layouts.
 */
export function actionForKey(press: KeyPress): ViewerAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  return BY_KEY.get(press.key) ?? null;
}

/** The short hint shown in a button's tooltip, e.g. "+ / =". */
export function shortcutHint(action: ViewerAction): string {
  return SHORTCUTS.find((s) => s.action === action)?.labels.join(" / ") ?? "";
}

type TargetLike = { tagName?: string; isContentEditable?: boolean; type?: string } | null;

// Inputs that swallow typing; a checkbox or button can keep its focus while shortcuts still work.
const NON_TEXT_INPUTS = new Set(["button", "checkbox", "radio", "submit", "reset", "range", "color", "file", "image"]);

/** True when the key press belongs to a field the person is typing in, not to the viewer. */
export function isTypingTarget(target: TargetLike): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = (target.tagName ?? "").toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NON_TEXT_INPUTS.has((target.type ?? "text").toLowerCase());
  return false;
}

/** A key press as the shortcut rules see it (see use-keyboard-shortcuts): the key, its modifiers and where it was typed. */
export type ShortcutEvent = KeyPress & { repeat: boolean; defaultPrevented: boolean; isComposing: boolean; target: TargetLike };

/**
 * The viewer's action for a key press, or null to leave the key alone. Held keys repeat (a held "j"
 * flips pages); an IME composition, a text field and keys another handler took are left alone. The
 * help overlay is modal: while it is open only its own keys work, and Esc means nothing when it is shut.
 */
export function viewerShortcut(event: ShortcutEvent, helpOpen: boolean): ViewerAction | null {
  if (event.defaultPrevented || event.isComposing) return null;
  if (isTypingTarget(event.target)) return null;
  const action = actionForKey(event);
  if (!action) return null;
  if (action === "closeHelp" && !helpOpen) return null;
  if (helpOpen && action !== "toggleHelp" && action !== "closeHelp") return null;
  return action;
}
