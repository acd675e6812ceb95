/** A claim's payment as the claim page shows it (app/models/payment-run-views.server.ts claimPaymentView). */
export type ClaimPaymentView =
  | { state: "expected"; expectedDate: string }
  | {
      state: "scheduled" | "paid" | "failed";
      valueDate: string;
      runNumber: string;
      minor: string;
      currency: string;
      account: string;
      endToEndId: string;
      reason: string | null;
      at: string | null;
    }
  | null;
