export default {
  title: "保管期限与销毁",
};
