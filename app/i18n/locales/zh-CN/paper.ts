export default {
  title: "邮包与收件台",
};
