export default {
  nav: "质检",
};
