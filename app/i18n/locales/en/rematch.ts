// "Match again" on the reconciliation screen: a statement whose matching stopped half way is finished.
export default {
  column: "Matching",
  submit: "Match again",
  complete: "Complete",
  done: "Statement {{ref}} matched again: {{paid}} paid, {{returned}} returned, {{unmatched}} still unmatched.",
  notFound: "That statement does not belong to your accounts.",
};
