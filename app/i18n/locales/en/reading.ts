export default {
  duplicate: {
    title: "This claim cannot be submitted: an invoice on it is already claimed.",
    onClaim: "{{file}}: this invoice is already claimed on claim {{number}}.",
    elsewhere: "{{file}}: this invoice is already claimed on another claim.",
    hint: "An invoice is paid once. Remove the receipt (or withdraw the other claim) and submit again.",
  },
};
