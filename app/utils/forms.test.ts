import { describe, expect, it } from "vitest";
import { z } from "zod";
import { replyWithError } from "./app-error.server";
import { AppError } from "~/domain/app-error";
import { parseForm } from "./forms";

const Schema = z.object({
  name: z.string().max(5),
  count: z.number().int().min(2),
  iban: z.string().regex(/^[A-Z]{2}\d+$/, "bad_iban").optional(),
  lines: z.array(z.object({ amount: z.string() })).min(1),
});

/** The field errors of a submission that failed (or {} when it passed). */
function errorsOf(submission: ReturnType<typeof parseForm>): Record<string, string[] | null> {
  return submission.status === "error" ? (submission.error ?? {}) : {};
}

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
}

describe("parseForm", () => {
  it("turns Zod issues into codes, and a schema's own code wins", () => {
    const submission = parseForm(form([["name", "toolong"], ["count", "1"], ["iban", "x"]]), Schema);
    expect(submission.status).toBe("error");
    expect(errorsOf(submission)).toEqual({ name: ["too_long"], count: ["too_small"], iban: ["bad_iban"], lines: ["required"] });
  });
  it("reads nested lists and numbers from field names", () => {
    const submission = parseForm(form([["name", "ok"], ["count", "3"], ["lines[0].amount", "12.50"], ["lines[1].amount", "3"]]), Schema);
    expect(submission.status).toBe("success");
    expect(submission.status === "success" && submission.value).toEqual({ name: "ok", count: 3, lines: [{ amount: "12.50" }, { amount: "3" }] });
  });
  it("an empty field is required", () => {
    expect(errorsOf(parseForm(form([["name", ""]]), Schema)).name).toEqual(["required"]);
  });
});

describe("replyWithError", () => {
  const submission = parseForm(form([["name", "ok"], ["count", "3"], ["lines[0].amount", "1"]]), Schema);
  it("sends the code as the form error, field errors beside their fields, with the error's status", () => {
    const reply = replyWithError(submission, new AppError("stale", { fieldErrors: { count: "changed" }, reason: "newer" }));
    expect(reply).toMatchObject({ init: { status: 409 }, data: { error: { "": ["stale"], count: ["changed"] }, reason: "newer" } });
  });
  it("returns a 200 refusal bare (a failing loader's status still wins), and hides fields it is told to", () => {
    const reply = replyWithError(submission, new AppError("invalid", { status: 200 }), { hideFields: ["name"] });
    expect(reply).toMatchObject({ status: "error", error: { "": ["invalid"] } });
    expect(JSON.stringify(reply)).not.toContain('"name":"ok"');
  });
  it("rethrows anything that is not an AppError", () => {
    expect(() => replyWithError(submission, new TypeError("bug"))).toThrow(TypeError);
  });
});
