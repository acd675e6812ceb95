import { describe, expect, it } from "vitest";
import type { StoredFile } from "~/generated/prisma/client";
import { imagingJobKey, storedFileState } from "./stored-file.server";

const base: StoredFile = {
  sha256: "a".repeat(64),
  sizeBytes: 10,
  mimeType: "image/jpeg",
  status: "PROCESSING",
  failureReason: null,
  pageCount: null,
  pages: null,
  capture: null,
  phash: null,
  capturedOn: null,
  createdAt: new Date(0),
  readyAt: null,
};

describe("storedFileState", () => {
  it("splits a failure into the code the UI translates and the English reason", () => {
    const state = storedFileState({ ...base, status: "FAILED", failureReason: "encrypted_pdf: The PDF is password-protected: remove it." });
    expect(state).toMatchObject({ failureCode: "encrypted_pdf", failureReason: "The PDF is password-protected: remove it." });
  });

  it("treats a reason without a code as its own code", () => {
    expect(storedFileState({ ...base, status: "FAILED", failureReason: "imaging_failed" })).toMatchObject({
      failureCode: "imaging_failed",
      failureReason: "imaging_failed",
    });
  });

  it("reads the page sizes, ignoring anything malformed", () => {
    const pages = [{ width: 100, height: 200 }, { width: "x" }, null, [1, 2]];
    expect(storedFileState({ ...base, status: "READY", pageCount: 1, pages }).pages).toEqual([{ width: 100, height: 200 }]);
    expect(storedFileState({ ...base, pages: { width: 1, height: 1 } }).pages).toEqual([]);
    expect(storedFileState(base)).toMatchObject({ pages: [], failureCode: null, failureReason: null });
  });
});

describe("imagingJobKey", () => {
  it("is the business key the outbox and BullMQ share", () => {
    expect(imagingJobKey(base.sha256)).toBe(`imaging-${base.sha256}`);
  });
});
