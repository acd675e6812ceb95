import { useEffect, useRef } from "react";
import type { ShortcutEvent } from "./viewer-shortcuts";

/**
 * One window key listener for a screen's shortcuts. `actionFor` is the screen's rule (a pure function
 * of the press, e.g. `viewerShortcut`); a press it maps to an action is taken (preventDefault) and
 * `run`. The listener is attached once and always calls the latest render's functions, so a fast
 * sequence of presses never sees a stale selection or help state.
 */
export function useKeyboardShortcuts<Action>(
  actionFor: (event: ShortcutEvent) => Action | null,
  run: (action: Action) => void,
  enabled = true,
): void {
  const latest = useRef({ actionFor, run });
  latest.current = { actionFor, run };
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const press: ShortcutEvent = {
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        repeat: event.repeat,
        defaultPrevented: event.defaultPrevented,
        isComposing: event.isComposing,
        target: event.target instanceof HTMLElement ? event.target : null,
      };
      const action = latest.current.actionFor(press);
      if (action === null) return;
      event.preventDefault();
      latest.current.run(action);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
