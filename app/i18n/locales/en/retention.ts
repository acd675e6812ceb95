export default {
  title: "Retention and destruction",
};
