import { describe, expect, it } from "vitest";
import type { ShortcutEvent } from "./viewer-shortcuts";
import { isTypingTarget, moveSelection, WORKSTATION_SHORTCUTS, workstationActionForKey, workstationHint, workstationShortcut, queueShortcut } from "./workstation-shortcuts";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  workstationActionForKey({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe("workstationActionForKey", () => {
  it("maps the documented keys", () => {
    expect(press("a")).toBe("approve");
    expect(press("r")).toBe("focusReturn");
    expect(press("x")).toBe("focusReject");
    expect(press("j")).toBe("nextLine");
    expect(press("ArrowDown")).toBe("nextLine");
    expect(press("k")).toBe("previousLine");
    expect(press("n")).toBe("nextTask");
    expect(press("N")).toBe("nextTask");
    expect(press("v")).toBe("openViewer");
    expect(press("?")).toBe("toggleHelp");
    expect(press("Escape")).toBe("closeHelp");
  });
  it("ignores other keys and modifier combinations", () => {
    expect(press("q")).toBeNull();
    expect(press("Enter")).toBeNull();
    expect(press("a", { ctrlKey: true })).toBeNull();
    expect(press("r", { metaKey: true })).toBeNull();
    expect(press("n", { altKey: true })).toBeNull();
  });
  it("binds every key to one action only", () => {
    const keys = WORKSTATION_SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
  it("prints hints", () => {
    expect(workstationHint("nextLine")).toBe("J / ↓");
    expect(workstationHint("approve")).toBe("A");
  });
});

describe("typing targets", () => {
  it("skips text fields but not checkboxes", () => {
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
  });
});

describe("moveSelection", () => {
  it("starts at the first or last line", () => {
    expect(moveSelection(-1, 1, 3)).toBe(0);
    expect(moveSelection(-1, -1, 3)).toBe(2);
  });
  it("moves and clamps", () => {
    expect(moveSelection(0, 1, 3)).toBe(1);
    expect(moveSelection(2, 1, 3)).toBe(2);
    expect(moveSelection(0, -1, 3)).toBe(0);
  });
  it("has nothing to select in an empty claim", () => {
    expect(moveSelection(-1, 1, 0)).toBe(-1);
  });
});

describe("workstationShortcut", () => {
  const event = (key: string, over: Partial<ShortcutEvent> = {}): ShortcutEvent => ({
    key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, defaultPrevented: false, isComposing: false, target: null, ...over,
  });

  it("ignores held keys and keys another handler took", () => {
    expect(workstationShortcut(event("a"), false)).toBe("approve");
    expect(workstationShortcut(event("a", { repeat: true }), false)).toBeNull();
    expect(workstationShortcut(event("a", { defaultPrevented: true }), false)).toBeNull();
  });

  it("leaves a text field's keys to it, except Esc", () => {
    const textarea = { tagName: "TEXTAREA" };
    expect(workstationShortcut(event("j", { target: textarea }), false)).toBeNull();
    expect(workstationShortcut(event("Escape", { target: textarea }), false)).toBe("closeHelp");
    expect(workstationShortcut(event("j", { target: { tagName: "INPUT", type: "checkbox" } }), false)).toBe("nextLine");
  });

  it("keeps the help overlay modal", () => {
    expect(workstationShortcut(event("a"), true)).toBeNull();
    expect(workstationShortcut(event("?"), true)).toBe("toggleHelp");
    expect(workstationShortcut(event("Escape"), true)).toBe("closeHelp");
  });
});

describe("queueShortcut", () => {
  const event = (key: string, over: Partial<ShortcutEvent> = {}): ShortcutEvent => ({
    key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, defaultPrevented: false, isComposing: false, target: null, ...over,
  });

  it("takes the next task on N only, once per press, never while typing or with a modifier", () => {
    expect(queueShortcut(event("n"))).toBe("nextTask");
    expect(queueShortcut(event("N"))).toBe("nextTask");
    expect(queueShortcut(event("a"))).toBeNull();
    expect(queueShortcut(event("n", { repeat: true }))).toBeNull();
    expect(queueShortcut(event("n", { ctrlKey: true }))).toBeNull();
    expect(queueShortcut(event("n", { target: { tagName: "INPUT", type: "search" } }))).toBeNull();
  });
});
