export default {
  duplicate: {
    title: "无法提交：本报销单中有发票已在其他报销单中报销。",
    onClaim: "{{file}}：该发票已在报销单 {{number}} 中报销。",
    elsewhere: "{{file}}：该发票已在另一张报销单中报销。",
    hint: "同一张发票只能报销一次。请移除该票据（或撤回另一张报销单）后再提交。",
  },
};
