// The printed cover sheet (app/utils/cover-sheet-pdf.server.ts): every label appears in the reader's
// language with the other language's label small beside it.
export default {
  title: "Expense claim cover sheet",
  claimNumber: "Claim number",
  claimant: "Claimant",
  department: "Department",
  submittedOn: "Submitted on",
  purpose: "Purpose",
  total: "Total",
  receipts: "Receipts",
  receiptNo: "No.",
  file: "File",
  pages: "Pages",
  lines: "Lines",
  amount: "Amount",
  noReceipts: "No receipts are attached to this claim: there is nothing to mail.",
  moreReceipts: "… and {{count}} more receipts, numbered in the same order as on the claim page.",
  linesWithoutReceipt: "Lines without a receipt: {{lines}}",
  instructions: "Write each receipt's number (R1, R2, …) in its top right corner, put the originals behind this sheet and mail them to:",
  sendTo: "Send to",
  draft: "DRAFT — not submitted. Do not mail anything for this claim yet.",
  printedAt: "Printed",
};
