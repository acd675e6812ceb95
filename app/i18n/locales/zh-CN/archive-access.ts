export default {
  title: "档案检索、借阅与利用",
};
