export default {
  title: "电子档案",
};
