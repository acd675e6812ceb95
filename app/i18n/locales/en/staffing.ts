export default {
  nav: "Staffing",
};
