export default {
  title: "Packets and the arrival desk",
};
