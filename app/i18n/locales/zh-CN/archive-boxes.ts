export default {
  title: "档案盒",
};
