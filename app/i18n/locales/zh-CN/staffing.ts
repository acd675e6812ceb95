export default {
  nav: "人员配置",
};
