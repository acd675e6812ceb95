export default {
  title: "Archive search, loans and access",
};
