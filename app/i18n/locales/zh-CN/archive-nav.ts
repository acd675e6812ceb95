// 档案各页面的导航（app/components/archive-nav.tsx）。
export default {
  nav: "档案",
  tabs: "档案页面",
  search: "检索",
  arrivals: "收件台",
  packets: "邮包",
  boxes: "档案盒",
  records: "电子档案",
  retention: "保管期限",
  requests: "借阅与利用",
  stats: "统计",
};
