export default {
  nav: "计件薪酬",
};
