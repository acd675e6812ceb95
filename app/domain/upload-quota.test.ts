import { describe, expect, it } from "vitest";
import { BYTES_WINDOW_MS, checkUploadQuota, FILES_WINDOW_MS, type UploadUsageEntry } from "./upload-quota";

const now = new Date("2026-12-03T10:00:00Z");
const limits = { filesPerHour: 5, bytesPerDay: 1000 };
const minutesAgo = (m: number, bytes = 10): UploadUsageEntry => ({ at: new Date(now.getTime() - m * 60_000), bytes });

describe("checkUploadQuota", () => {
  it("allows a request that fits both windows and says what is left", () => {
    const history = [minutesAgo(5), minutesAgo(10)];
    expect(checkUploadQuota({ now, limits, history, request: { files: 2, bytes: 100 } })).toEqual({ ok: true, filesLeft: 1, bytesLeft: 880 });
  });

  it("refuses the file that would exceed the hourly count, and says when the oldest one leaves the hour", () => {
    const history = [minutesAgo(50), minutesAgo(40), minutesAgo(30), minutesAgo(20), minutesAgo(10)];
    const verdict = checkUploadQuota({ now, limits, history, request: { files: 1, bytes: 10 } });
    expect(verdict).toEqual({
      ok: false,
      limit: "files_per_hour",
      max: 5,
      used: 5,
      requested: 1,
      freesAt: new Date(now.getTime() + 10 * 60_000), // the one from 50 minutes ago leaves in 10
    });
  });

  it("for several files waits until as many have left the hour", () => {
    const history = [minutesAgo(50), minutesAgo(40), minutesAgo(30), minutesAgo(20)];
    const verdict = checkUploadQuota({ now, limits, history, request: { files: 3, bytes: 30 } });
    expect(verdict).toMatchObject({ ok: false, limit: "files_per_hour", used: 4, requested: 3, freesAt: new Date(now.getTime() + 20 * 60_000) });
  });

  it("does not count files older than an hour against the hourly limit", () => {
    const history = Array.from({ length: 10 }, (_, i) => minutesAgo(61 + i));
    expect(checkUploadQuota({ now, limits, history, request: { files: 5, bytes: 10 } })).toMatchObject({ ok: true, filesLeft: 0 });
  });

  it("counts a file exactly one window old as gone", () => {
    const edge = { at: new Date(now.getTime() - FILES_WINDOW_MS), bytes: 1 };
    const history = [edge, minutesAgo(1), minutesAgo(2), minutesAgo(3), minutesAgo(4)];
    expect(checkUploadQuota({ now, limits, history, request: { files: 1, bytes: 1 } })).toMatchObject({ ok: true, filesLeft: 0 });
  });

  it("refuses bytes over the daily total, naming that limit and when enough bytes free up", () => {
    const history = [minutesAgo(23 * 60, 400), minutesAgo(22 * 60, 300), minutesAgo(120, 200)];
    const verdict = checkUploadQuota({ now, limits, history, request: { files: 1, bytes: 500 } });
    // 900 used + 500 = 1400: 400 must go; the 400-byte entry from 23 h ago leaves in 1 h.
    expect(verdict).toEqual({
      ok: false,
      limit: "bytes_per_day",
      max: 1000,
      used: 900,
      requested: 500,
      freesAt: new Date(now.getTime() + 60 * 60_000),
    });
  });

  it("adds up several old entries until enough bytes are freed", () => {
    const history = [minutesAgo(23 * 60, 100), minutesAgo(22 * 60, 100), minutesAgo(21 * 60, 700)];
    const verdict = checkUploadQuota({ now, limits, history, request: { files: 1, bytes: 300 } });
    expect(verdict).toMatchObject({ ok: false, limit: "bytes_per_day", freesAt: new Date(now.getTime() - 22 * 3_600_000 + BYTES_WINDOW_MS) });
  });

  it("says a request larger than the limit itself never fits", () => {
    expect(checkUploadQuota({ now, limits, history: [], request: { files: 6, bytes: 6 } })).toMatchObject({ ok: false, limit: "files_per_hour", freesAt: null });
    expect(checkUploadQuota({ now, limits, history: [], request: { files: 1, bytes: 1001 } })).toMatchObject({ ok: false, limit: "bytes_per_day", freesAt: null });
  });

  it("checks the file count before the bytes", () => {
    const history = Array.from({ length: 5 }, () => minutesAgo(1, 200));
    expect(checkUploadQuota({ now, limits, history, request: { files: 1, bytes: 1 } })).toMatchObject({ ok: false, limit: "files_per_hour" });
  });

  it("always allows a request of no files", () => {
    const history = Array.from({ length: 9 }, () => minutesAgo(1, 200));
    expect(checkUploadQuota({ now, limits, history, request: { files: 0, bytes: 0 } })).toEqual({ ok: true, filesLeft: 0, bytesLeft: 0 });
  });

  it("does not depend on the order of the history", () => {
    const history = [minutesAgo(10), minutesAgo(50), minutesAgo(30), minutesAgo(20), minutesAgo(40)];
    expect(checkUploadQuota({ now, limits, history, request: { files: 1, bytes: 1 } })).toMatchObject({ freesAt: new Date(now.getTime() + 10 * 60_000) });
  });
});
