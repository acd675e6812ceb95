export default {
  nav: "Piece-rate pay",
};
