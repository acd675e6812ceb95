export default {
  nav: "Wall board",
};
