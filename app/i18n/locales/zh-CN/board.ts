export default {
  nav: "看板",
};
