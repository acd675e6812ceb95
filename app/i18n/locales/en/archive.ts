export default {
  title: "Electronic archive",
};
