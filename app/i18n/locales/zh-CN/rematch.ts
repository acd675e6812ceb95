// 对账页面的“重新匹配”：匹配中途停止的对账单在此补完。
export default {
  column: "匹配",
  submit: "重新匹配",
  complete: "已完成",
  done: "对账单 {{ref}} 已重新匹配：已付 {{paid}} 笔，退回 {{returned}} 笔，仍未匹配 {{unmatched}} 笔。",
  notFound: "该对账单不属于您的账户。",
};
