// Statements settle in the background: what the reconciliation screen says while payments and claims move.
export default {
  pending_one: "{{count}} matched, being settled: the payment and its claim are updated in a moment.",
  pending_other: "{{count}} matched, being settled: their payments and claims are updated in a moment.",
  short: "{{count}} being settled",
};
