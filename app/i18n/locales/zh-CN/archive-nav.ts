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
  subLabel: "{{section}}：子页面",
  sub: {
    boxes: { list: "全部档案盒", file: "装盒工作台", locations: "存放位置", settings: "编号规则" },
    retention: { appraisal: "到期鉴定", holds: "诉讼保全", register: "销毁清册", settings: "期限设置" },
  },
};
