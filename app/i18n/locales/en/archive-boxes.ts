export default {
  title: "Archive boxes",
};
