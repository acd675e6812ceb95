import { describe, expect, it } from "vitest";
import { actionForKey, isTypingTarget, SHORTCUTS, shortcutHint, viewerShortcut, type ShortcutEvent } from "./viewer-shortcuts";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
  actionForKey({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe("actionForKey", () => {
  it("maps the documented keys", () => {
    expect(press("+")).toBe("zoomIn");
    expect(press("=")).toBe("zoomIn");
    expect(press("-")).toBe("zoomOut");
    expect(press("0")).toBe("fit");
    expect(press("r")).toBe("rotate");
    expect(press("R")).toBe("rotate");
    expect(press("ArrowRight")).toBe("nextReceipt");
    expect(press("n")).toBe("nextReceipt");
    expect(press("ArrowLeft")).toBe("previousReceipt");
    expect(press("p")).toBe("previousReceipt");
    expect(press("PageDown")).toBe("nextPage");
    expect(press("j")).toBe("nextPage");
    expect(press("PageUp")).toBe("previousPage");
    expect(press("k")).toBe("previousPage");
    expect(press("?")).toBe("toggleHelp");
    expect(press("Escape")).toBe("closeHelp");
  });
  it("ignores other keys", () => {
    expect(press("x")).toBeNull();
    expect(press("Enter")).toBeNull();
    expect(press(" ")).toBeNull();
  });
  it("leaves Ctrl, ⌘ and Alt combinations to the browser", () => {
    expect(press("0", { ctrlKey: true })).toBeNull();
    expect(press("+", { metaKey: true })).toBeNull();
    expect(press("ArrowLeft", { altKey: true })).toBeNull();
  });
  it("binds every key to one action only", () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("shortcutHint", () => {
  it("joins the printed keys", () => {
    expect(shortcutHint("zoomIn")).toBe("+ / =");
    expect(shortcutHint("nextPage")).toBe("PgDn / J");
  });
});

describe("isTypingTarget", () => {
  it("is true for text fields and editable content", () => {
    expect(isTypingTarget({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTypingTarget({ tagName: "input", type: "search" })).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT" })).toBe(true);
    expect(isTypingTarget({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTypingTarget({ tagName: "SELECT" })).toBe(true);
    expect(isTypingTarget({ tagName: "DIV", isContentEditable: true })).toBe(true);
  });
  it("is false for buttons, checkboxes, links and the page", () => {
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
    expect(isTypingTarget({ tagName: "A" })).toBe(false);
    expect(isTypingTarget({ tagName: "BODY" })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe("viewerShortcut", () => {
  const event = (key: string, over: Partial<ShortcutEvent> = {}): ShortcutEvent => ({
    key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, defaultPrevented: false, isComposing: false, target: null, ...over,
  });

  it("lets held keys repeat and leaves taken, composing and typed keys alone", () => {
    expect(viewerShortcut(event("j", { repeat: true }), false)).toBe("nextPage");
    expect(viewerShortcut(event("j", { defaultPrevented: true }), false)).toBeNull();
    expect(viewerShortcut(event("j", { isComposing: true }), false)).toBeNull();
    expect(viewerShortcut(event("j", { target: { tagName: "INPUT", type: "text" } }), false)).toBeNull();
    expect(viewerShortcut(event("Escape", { target: { tagName: "TEXTAREA" } }), true)).toBeNull();
  });

  it("keeps the help overlay modal and Esc for the overlay only", () => {
    expect(viewerShortcut(event("Escape"), false)).toBeNull();
    expect(viewerShortcut(event("Escape"), true)).toBe("closeHelp");
    expect(viewerShortcut(event("?"), true)).toBe("toggleHelp");
    expect(viewerShortcut(event("j"), true)).toBeNull();
    expect(viewerShortcut(event("x"), false)).toBeNull();
  });
});
