export default {
  nav: "Quality",
};
