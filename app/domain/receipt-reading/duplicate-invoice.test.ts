import { describe, expect, it } from "vitest";
import { distinctInvoices, duplicateInvoices, holdsInvoices } from "./duplicate-invoice";

describe("one invoice, one payment", () => {
  const mine = [
    { identityKey: "D1", receiptId: "r1" },
    { identityKey: "V2", receiptId: "r2" },
    { identityKey: "V3", receiptId: "r3" },
  ];

  it("refuses an invoice held by another live claim, naming it only to those who may see it", () => {
    const held = [
      { identityKey: "D1", claimId: "c2", claimNumber: "EC2026000002", status: "IN_REVIEW" as const, viewerMaySee: true },
      { identityKey: "V2", claimId: "c3", claimNumber: "EC2026000003", status: "PAID" as const, viewerMaySee: false },
    ];
    expect(duplicateInvoices("c1", mine, held)).toEqual([
      { receiptId: "r1", identityKey: "D1", otherClaimNumber: "EC2026000002" },
      { receiptId: "r2", identityKey: "V2", otherClaimNumber: null },
    ]);
  });

  it("ignores the claim's own rows and claims that gave their invoices back", () => {
    const held = [
      { identityKey: "D1", claimId: "c1", claimNumber: "EC1", status: "RETURNED" as const, viewerMaySee: true },
      { identityKey: "V2", claimId: "c2", claimNumber: "EC2", status: "WITHDRAWN" as const, viewerMaySee: true },
      { identityKey: "V3", claimId: "c3", claimNumber: "EC3", status: "REJECTED" as const, viewerMaySee: true },
    ];
    expect(duplicateInvoices("c1", mine, held)).toEqual([]);
  });

  it("says which statuses hold invoices", () => {
    expect(holdsInvoices("RETURNED")).toBe(true);
    expect(holdsInvoices("PAYMENT_FAILED")).toBe(true);
    expect(holdsInvoices("DRAFT")).toBe(false);
    expect(holdsInvoices("WITHDRAWN")).toBe(false);
    expect(holdsInvoices("REJECTED")).toBe(false);
  });

  it("counts one invoice carried by two receipts of one claim once", () => {
    expect(distinctInvoices([...mine, { identityKey: "D1", receiptId: "r9" }])).toHaveLength(3);
  });
});
