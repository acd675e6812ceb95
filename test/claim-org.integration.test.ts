/**
 * Issue 8, item 8: a claim's company and department come from the claimant's profile (their own
 * department, or a further one in user_department); the form offers only those and the server refuses
 * anything else, on a new claim and on every save or resubmission.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { isAppError } from "~/domain/app-error";
import type { User } from "~/generated/prisma/client";
import { saveClaim } from "~/models/claim-commands.server";
import { action as editAction } from "~/routes/claims.$claimId.edit";
import { action as newAction, loader as newLoader } from "~/routes/claims.new";
import { prisma } from "~/utils/db.server";
import { createClaim, createCompany, createDepartment, createUser, sessionCookie } from "./helpers";

async function call<T>(fn: (args: ActionFunctionArgs & LoaderFunctionArgs) => Promise<T>, user: User, url: string, params: Record<string, string> = {}, form?: Record<string, string>): Promise<T | Response> {
  const headers = { Cookie: await sessionCookie(user.id), "Content-Type": "application/x-www-form-urlencoded" };
  const request = new Request(`http://localhost${url}`, form ? { method: "POST", headers, body: new URLSearchParams(form).toString() } : { headers });
  try {
    return await fn({ request, params, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function setup() {
  const home = await createCompany();
  const homeDept = await createDepartment(home.id);
  const homeDept2 = await createDepartment(home.id);
  const sister = await createCompany();
  const sisterDept = await createDepartment(sister.id);
  const foreign = await createCompany();
  const foreignDept = await createDepartment(foreign.id);
  const employee = await createUser({ companyId: home.id, departmentId: homeDept.id });
  // One further membership, in another company of the group.
  await prisma.userDepartment.create({ data: { userId: employee.id, departmentId: sisterDept.id } });
  return { home, homeDept, homeDept2, sister, sisterDept, foreign, foreignDept, employee };
}

describe("a claim's company and department come from the claimant's profile", () => {
  it("the new-claim form offers only the profile's department and the further memberships", async () => {
    const s = await setup();
    const loaded = await call(newLoader, s.employee, "/claims/new");
    if (loaded instanceof Response) throw new Error(`loader answered ${loaded.status}`);
    const offered = loaded.options.companies.map((c) => [c.id, c.departments.map((d) => d.id)]);
    expect(offered).toEqual(
      expect.arrayContaining([
        [s.home.id, [s.homeDept.id]],
        [s.sister.id, [s.sisterDept.id]],
      ]),
    );
    expect(offered).toHaveLength(2);
    expect(loaded).toMatchObject({ companyId: s.home.id, departmentId: s.homeDept.id });
  });

  it("refuses to create a claim for another company's department, or a department of theirs they do not belong to", async () => {
    const s = await setup();
    const post = (companyId: string, departmentId: string) => call(newAction, s.employee, "/claims/new", {}, { purpose: "Trip", companyId, departmentId });
    expect(await post(s.foreign.id, s.foreignDept.id)).toEqual({ errors: { departmentId: "not_yours" } });
    expect(await post(s.home.id, s.homeDept2.id)).toEqual({ errors: { departmentId: "not_yours" } });
    // A department paired with the wrong company is still refused.
    expect(await post(s.home.id, s.sisterDept.id)).toEqual({ errors: { departmentId: "not_in_company" } });
    expect(await prisma.claim.count({ where: { claimantId: s.employee.id } })).toBe(0);

    const created = await post(s.sister.id, s.sisterDept.id);
    expect(created instanceof Response && created.status).toBe(302);
    expect(await prisma.claim.findFirst({ where: { claimantId: s.employee.id } })).toMatchObject({ companyId: s.sister.id, departmentId: s.sisterDept.id });
  });

  it("refuses to move a draft or a returned claim to a department outside the profile, through the edit page and the model", async () => {
    const s = await setup();
    const draft = await createClaim(s.employee, { status: "DRAFT" });
    const form = { intent: "save", version: String(draft.version), purpose: "Trip", companyId: s.foreign.id, departmentId: s.foreignDept.id };
    expect(await call(editAction, s.employee, `/claims/${draft.id}/edit`, { claimId: draft.id }, form)).toEqual({ errors: { departmentId: "not_yours" }, formError: "fix" });
    const returned = await createClaim(s.employee, { status: "RETURNED", version: 5 });
    const input = { purpose: "Trip", companyId: s.foreign.id, departmentId: s.foreignDept.id, lines: [] };
    await expect(saveClaim({ viewer: s.employee, claimId: returned.id, version: 5, input, submit: true })).rejects.toSatisfy(
      (err) => isAppError(err) && err.fieldErrors.departmentId === "not_yours",
    );
    const after = await prisma.claim.findUniqueOrThrow({ where: { id: returned.id } });
    expect(after).toMatchObject({ companyId: s.home.id, departmentId: s.homeDept.id, status: "RETURNED", version: 5 });
    // Within the profile it saves.
    expect(await saveClaim({ viewer: s.employee, claimId: draft.id, version: draft.version, input: { ...input, companyId: s.sister.id, departmentId: s.sisterDept.id }, submit: false })).toMatchObject({ status: "DRAFT" });
  });
});
