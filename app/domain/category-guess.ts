/**
 * Issue 14: the expense category a receipt's merchant suggests, for the line proposed from a reading.
 * A guess only (the claimant confirms or corrects it); words in Chinese and English, checked in order so
 * the more specific rule wins (an airport restaurant is a meal, an airline is air travel).
 */
export type CategoryRule = { categoryCode: string; words: readonly string[] };

/** The project's category codes (prisma/seed/org-data.ts), most specific first. */
export const CATEGORY_RULES: readonly CategoryRule[] = [
  { categoryCode: "MEAL", words: ["餐", "饭店", "饭庄", "酒楼", "食堂", "面馆", "咖啡", "茶餐厅", "火锅", "星巴克", "麦当劳", "肯德基", "restaurant", "coffee", "cafe", "café", "starbucks", "mcdonald", "kfc", "bistro", "diner", "bakery"] },
  { categoryCode: "HOTEL", words: ["酒店", "宾馆", "旅馆", "饭店住宿", "客栈", "民宿", "住宿", "hotel", "inn", "hostel", "resort", "lodging", "marriott", "hilton", "hyatt"] },
  { categoryCode: "AIR", words: ["航空", "机场", "机票", "airlines", "airline", "airways", "air china", "airport"] },
  { categoryCode: "RAIL", words: ["铁路", "12306", "高铁", "动车", "火车", "railway", "rail", "train"] },
  { categoryCode: "TAXI", words: ["滴滴", "出租", "的士", "网约车", "打车", "曹操出行", "高德打车", "taxi", "cab", "uber", "didi", "lyft"] },
  { categoryCode: "COMM", words: ["移动通信", "中国移动", "中国联通", "中国电信", "通信", "宽带", "telecom", "mobile", "broadband"] },
  { categoryCode: "OFFICE", words: ["办公", "文具", "打印", "复印", "京东", "stationery", "office", "printing"] },
  { categoryCode: "TRAINING", words: ["培训", "教育", "学院", "training", "course", "academy"] },
];

/**
 * The category a merchant's name suggests, among the codes the company offers; null when no rule matches
 * (the claimant picks one). "饭店" alone is a restaurant; a hotel usually says 酒店/宾馆.
 */
export function guessCategory(merchant: string, offered: readonly string[], rules: readonly CategoryRule[] = CATEGORY_RULES): string | null {
  const name = merchant.normalize("NFKC").toLowerCase();
  if (name.trim() === "") return null;
  const codes = new Set(offered);
  for (const rule of rules) {
    if (!codes.has(rule.categoryCode)) continue;
    if (rule.words.some((w) => matchesWord(name, w.toLowerCase()))) return rule.categoryCode;
  }
  return null;
}

/** Latin words match whole words ("inn" is not in "dinner"); Chinese words and digits anywhere. */
function matchesWord(name: string, word: string): boolean {
  if (!/^[a-z ]+$/.test(word)) return name.includes(word);
  return new RegExp(`(^|[^a-z])${word}s?($|[^a-z])`).test(name);
}
