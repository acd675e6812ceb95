// 对账单在后台结算：付款与报销单更新期间，对账页面显示的文字。
export default {
  pending_one: "已匹配 {{count}} 笔，正在结算：付款及其报销单稍后更新。",
  pending_other: "已匹配 {{count}} 笔，正在结算：付款及其报销单稍后更新。",
  short: "{{count}} 笔结算中",
};
