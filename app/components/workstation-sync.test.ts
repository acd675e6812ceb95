import { describe, expect, it } from "vitest";
import {
  acceptSyncMessage,
  otherScreen,
  parseSyncMessage,
  popupFeatures,
  postSync,
  targetForLine,
  viewerPath,
  type SyncMessage,
} from "./workstation-sync";

const receipts = [{ id: "r1" }, { id: "r2" }, { id: "r3" }];

describe("targetForLine", () => {
  it("shows the line's first receipt, page 1", () => {
    expect(targetForLine({ receiptIds: ["r2", "r3"] }, receipts)).toEqual({ receiptId: "r2", page: 1 });
  });
  it("skips receipts the claim no longer has", () => {
    expect(targetForLine({ receiptIds: ["gone", "r3"] }, receipts)).toEqual({ receiptId: "r3", page: 1 });
  });
  it("is null for a line without receipts, or no line", () => {
    expect(targetForLine({ receiptIds: [] }, receipts)).toBeNull();
    expect(targetForLine({ receiptIds: ["gone"] }, receipts)).toBeNull();
    expect(targetForLine(undefined, receipts)).toBeNull();
    expect(targetForLine({ receiptIds: ["r1"] }, [])).toBeNull();
  });
});

describe("parseSyncMessage", () => {
  const show: SyncMessage = { type: "show", claimId: "c1", receiptId: "r1", page: 1, lineIds: ["l1"], sentAt: 5 };
  const valid: SyncMessage[] = [
    show,
    { type: "claim", claimId: "c2", receiptId: null },
    { type: "claim", claimId: "c2", receiptId: "r9" },
    { type: "hello", from: "viewer", claimId: "c1" },
    { type: "hello", from: "workstation", claimId: "c1" },
    { type: "state", from: "viewer", claimId: "c1", receiptId: "r2", page: 3, lineIds: [] },
    { type: "state", from: "workstation", claimId: "c1", receiptId: null, page: 1, lineIds: [] },
  ];
  it.each(valid)("accepts %o", (m) => {
    expect(parseSyncMessage(m)).toEqual(m);
  });
  it("drops unknown fields", () => {
    expect(parseSyncMessage({ ...show, extra: 1 })).toEqual(show);
  });
  it.each([
    null,
    undefined,
    42,
    "show",
    [],
    {},
    { type: "show" },
    { ...show, type: "nope" },
    { ...show, claimId: "" },
    { ...show, claimId: 7 },
    { ...show, receiptId: null },
    { ...show, page: 0 },
    { ...show, page: 1.5 },
    { ...show, page: "1" },
    { ...show, lineIds: "l1" },
    { ...show, lineIds: [1] },
    { ...show, sentAt: Number.NaN },
    { type: "claim", claimId: "c2" },
    { type: "claim", claimId: "c2", receiptId: 3 },
    { type: "hello", from: "someone", claimId: "c1" },
    { type: "state", from: "viewer", claimId: "c1", receiptId: "r2", page: 1 },
  ])("rejects malformed %o without throwing", (m) => {
    expect(parseSyncMessage(m)).toBeNull();
  });
  it("survives a hostile getter", () => {
    const evil = Object.defineProperty({ type: "show", claimId: "c1" }, "receiptId", {
      get() {
        throw new Error("boom");
      },
    });
    expect(parseSyncMessage(evil)).toBeNull();
  });
});

describe("acceptSyncMessage", () => {
  it("ignores messages for other claims", () => {
    expect(acceptSyncMessage({ type: "show", claimId: "c2", receiptId: "r1", page: 1, lineIds: [], sentAt: 1 }, "c1")).toBeNull();
    expect(acceptSyncMessage({ type: "hello", from: "viewer", claimId: "c2" }, "c1")).toBeNull();
  });
  it("accepts 'claim' for any claim", () => {
    expect(acceptSyncMessage({ type: "claim", claimId: "c2", receiptId: null }, "c1")).toEqual({ type: "claim", claimId: "c2", receiptId: null });
  });
  it("accepts this claim's messages", () => {
    expect(acceptSyncMessage({ type: "hello", from: "viewer", claimId: "c1" }, "c1")).not.toBeNull();
  });
  it("ignores malformed data", () => {
    expect(acceptSyncMessage("garbage", "c1")).toBeNull();
  });
});

describe("viewerPath", () => {
  it("builds the viewer URL, with the receipt when given", () => {
    expect(viewerPath("c1")).toBe("/claims/c1/viewer");
    expect(viewerPath("c1", "r2")).toBe("/claims/c1/viewer?receipt=r2");
  });
});

describe("postSync", () => {
  it("is harmless without a channel or on a closed one", () => {
    const m: SyncMessage = { type: "hello", from: "workstation", claimId: "c1" };
    expect(() => postSync(null, m)).not.toThrow();
    const closed = {
      postMessage() {
        throw new Error("InvalidStateError");
      },
    } as unknown as BroadcastChannel;
    expect(() => postSync(closed, m)).not.toThrow();
  });
});

describe("otherScreen", () => {
  const left = { availLeft: 0, availTop: 0, availWidth: 1920, availHeight: 1040, isPrimary: true };
  const right = { availLeft: 1920, availTop: 0, availWidth: 2560, availHeight: 1400, isPrimary: false };
  const third = { availLeft: -1280, availTop: 0, availWidth: 1280, availHeight: 1000, isPrimary: false };
  it("picks a screen other than the current one", () => {
    expect(otherScreen([left, right], left)).toBe(right);
    expect(otherScreen([left, right], right)).toBe(left);
    expect(otherScreen([left, right, third], right)).toBe(third);
  });
  it("matches the current screen by area, not identity", () => {
    expect(otherScreen([left, right], { ...left })).toBe(right);
  });
  it("is null with a single screen", () => {
    expect(otherScreen([left], left)).toBeNull();
    expect(otherScreen([], left)).toBeNull();
  });
  it("popupFeatures fills the screen's available area", () => {
    expect(popupFeatures(right)).toBe("popup,left=1920,top=0,width=2560,height=1400");
  });
});

describe("parseSyncMessage: the reading mark on show (issue 14)", () => {
  const show = { type: "show", claimId: "c1", receiptId: "r1", page: 1, lineIds: ["l1"], sentAt: 5 };
  it("keeps a valid region and a region-less mark", () => {
    const region = { page: 1, x: 10, y: 20, width: 30, height: 12 };
    expect(parseSyncMessage({ ...show, mark: { source: "ocr", region } })).toEqual({ ...show, mark: { source: "ocr", region } });
    expect(parseSyncMessage({ ...show, mark: { source: "xml", region: null } })).toEqual({ ...show, mark: { source: "xml", region: null } });
  });
  it("turns a malformed mark into no mark, and keeps the message", () => {
    for (const mark of [{ source: "ocr", region: { page: 0, x: 1, y: 1, width: 1, height: 1 } }, { source: "ocr", region: { page: 1, x: -1, y: 1, width: 1, height: 1 } }, { source: 5, region: null }, "x"]) {
      expect(parseSyncMessage({ ...show, mark })).toEqual({ ...show, mark: null });
    }
  });
});
