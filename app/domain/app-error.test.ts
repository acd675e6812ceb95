import { describe, expect, it } from "vitest";
import { AppError, isAppError } from "./app-error";

describe("AppError", () => {
  it("takes its status from common codes unless told otherwise", () => {
    expect(new AppError("not_found").status).toBe(404);
    expect(new AppError("stale").status).toBe(409);
    expect(new AppError("invalid").status).toBe(422);
    expect(new AppError("too_many").status).toBe(429);
    expect(new AppError("already_closed").status).toBe(400);
    expect(new AppError("invalid", { status: 200 }).status).toBe(200);
  });
  it("carries field errors, a reason and details", () => {
    const err = new AppError("not_allowed", { reason: "segregation", fieldErrors: { amount: "too_big" }, details: { max: 5 } });
    expect(err.message).toBe("not_allowed: segregation");
    expect(err.fieldErrors).toEqual({ amount: "too_big" });
    expect(err.details).toEqual({ max: 5 });
  });
  it("is recognised by code", () => {
    const err = new AppError("stale");
    expect(isAppError(err)).toBe(true);
    expect(isAppError(err, "stale", "not_found")).toBe(true);
    expect(isAppError(err, "not_found")).toBe(false);
    expect(isAppError(new Error("stale"))).toBe(false);
  });
});
