import { describe, expect, it } from "vitest";
import { guessCategory } from "./category-guess";

const ALL = ["AIR", "RAIL", "TAXI", "HOTEL", "MEAL", "ENTERTAIN", "OFFICE", "COMM", "TRAINING", "OTHER"];

describe("guessCategory", () => {
  it.each([
    ["上海浦东香格里拉大酒店有限公司", "HOTEL"],
    ["如家快捷宾馆", "HOTEL"],
    ["Holiday Inn Express", "HOTEL"],
    ["中国东方航空股份有限公司", "AIR"],
    ["Cathay Pacific Airways", "AIR"],
    ["中国铁路上海局集团", "RAIL"],
    ["12306 铁路客票", "RAIL"],
    ["滴滴出行科技有限公司", "TAXI"],
    ["北京市出租汽车公司", "TAXI"],
    ["Yellow Taxi Co.", "TAXI"],
    ["星巴克咖啡(南京西路店)", "MEAL"],
    ["老北京饭店", "MEAL"],
    ["Blue Bottle Coffee", "MEAL"],
    ["Joe's Restaurant", "MEAL"],
    ["中国移动通信集团", "COMM"],
    ["得力文具店", "OFFICE"],
  ])("%s → %s", (merchant, code) => {
    expect(guessCategory(merchant, ALL)).toBe(code);
  });

  it("a restaurant in an airport or a hotel is a meal (the more specific rule first)", () => {
    expect(guessCategory("首都机场餐厅", ALL)).toBe("MEAL");
    expect(guessCategory("Hilton Hotel Restaurant", ALL)).toBe("MEAL");
  });

  it("matches Latin words whole, not inside other words", () => {
    expect(guessCategory("Dinner Club", ALL)).toBeNull();
    expect(guessCategory("Cabinet Makers", ALL)).toBeNull();
  });

  it("guesses nothing for an unknown or empty merchant", () => {
    expect(guessCategory("某某贸易有限公司", ALL)).toBeNull();
    expect(guessCategory("  ", ALL)).toBeNull();
  });

  it("only proposes categories the company offers", () => {
    expect(guessCategory("如家快捷宾馆", ["AIR", "OTHER"])).toBeNull();
  });

  it("ignores full-width forms and case", () => {
    expect(guessCategory("ＨＯＴＥＬ　ＮＩＫＫＯ", ALL)).toBe("HOTEL");
  });
});
