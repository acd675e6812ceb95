import type { RuleConditions } from "~/domain/routing";

/** The demo SSC's organisation: a telecom group with three companies, one of them in Hong Kong dollars. */
export const COMPANIES = [
  { id: "co-hq", code: "HQ", name: "Huaxin Communications Group Co., Ltd.", nameZh: "华信通信集团有限公司", currency: "CNY", secondApprovalMinor: 1_000_000n },
  { id: "co-sz", code: "SZ", name: "Huaxin Communications Shenzhen Co., Ltd.", nameZh: "华信通信深圳有限公司", currency: "CNY", secondApprovalMinor: 1_000_000n },
  { id: "co-hk", code: "HK", name: "Huaxin International (Hong Kong) Ltd.", nameZh: "华信国际（香港）有限公司", currency: "HKD", secondApprovalMinor: 1_000_000n },
] as const;

export const DEPARTMENTS = [
  { id: "dep-hq-ssc", companyId: "co-hq", code: "SSC", name: "Finance Shared Service Center", nameZh: "财务共享服务中心", staff: 0 },
  { id: "dep-hq-sales", companyId: "co-hq", code: "SALES", name: "Enterprise Sales", nameZh: "政企客户部", staff: 40 },
  { id: "dep-hq-mkt", companyId: "co-hq", code: "MKT", name: "Marketing", nameZh: "市场部", staff: 20 },
  { id: "dep-hq-rd", companyId: "co-hq", code: "RD", name: "Research & Development", nameZh: "研发中心", staff: 34 },
  { id: "dep-hq-it", companyId: "co-hq", code: "IT", name: "Information Technology", nameZh: "信息技术部", staff: 18 },
  { id: "dep-hq-hr", companyId: "co-hq", code: "HR", name: "Human Resources", nameZh: "人力资源部", staff: 10 },
  { id: "dep-hq-adm", companyId: "co-hq", code: "ADM", name: "General Administration", nameZh: "综合管理部", staff: 12 },
  { id: "dep-sz-sales", companyId: "co-sz", code: "SALES", name: "Shenzhen Sales", nameZh: "深圳销售部", staff: 30 },
  { id: "dep-sz-net", companyId: "co-sz", code: "NET", name: "Network Operations", nameZh: "网络运维部", staff: 24 },
  { id: "dep-hk-intl", companyId: "co-hk", code: "INTL", name: "International Business", nameZh: "国际业务部", staff: 12 },
] as const;

export const CATEGORIES = [
  { code: "AIR", name: "Air travel", nameZh: "机票", limit: 800000n },
  { code: "RAIL", name: "Train", nameZh: "火车票", limit: 200000n },
  { code: "TAXI", name: "Taxi & ride-hailing", nameZh: "出租车/网约车", limit: 50000n },
  { code: "HOTEL", name: "Hotel", nameZh: "住宿费", limit: 120000n },
  { code: "MEAL", name: "Meals (travel)", nameZh: "差旅餐费", limit: 30000n },
  { code: "ENTERTAIN", name: "Client entertainment", nameZh: "业务招待费", limit: 300000n },
  { code: "OFFICE", name: "Office supplies", nameZh: "办公用品", limit: 200000n },
  { code: "COMM", name: "Phone & internet", nameZh: "通讯费", limit: 50000n },
  { code: "TRAINING", name: "Training", nameZh: "培训费", limit: 500000n },
  { code: "OTHER", name: "Other", nameZh: "其他", limit: null },
] as const;

export const GROUPS = [
  { id: "grp-travel", code: "TRAVEL", name: "Travel", nameZh: "差旅组", isDefault: false, slaMinutes: 480 },
  { id: "grp-meals", code: "MEALS", name: "Entertainment & Meals", nameZh: "业务招待组", isDefault: false, slaMinutes: 480 },
  { id: "grp-office", code: "OFFICE", name: "Procurement & Office", nameZh: "采购办公组", isDefault: true, slaMinutes: 960 },
  { id: "grp-high", code: "HIGHFX", name: "High value / Foreign currency", nameZh: "大额及外币组", isDefault: false, slaMinutes: 960 },
] as const;

/** First match wins; the default group (Procurement & Office) catches the rest. */
export const ROUTING_RULES: { id: string; position: number; name: string; groupId: string; priority: number | null; conditions: RuleConditions }[] = [
  { id: "rule-fx", position: 10, name: "Foreign currency", groupId: "grp-high", priority: 5, conditions: { foreignCurrency: true } },
  { id: "rule-high", position: 20, name: "High value (≥ CNY 20,000)", groupId: "grp-high", priority: 10, conditions: { totalCurrency: "CNY", minTotalMinor: "2000000" } },
  // A total band holds only for companies booking in its currency (docs/decisions/006): the HK company's own threshold.
  { id: "rule-high-hk", position: 25, name: "High value HK (≥ HKD 20,000)", groupId: "grp-high", priority: 10, conditions: { companyIds: ["co-hk"], totalCurrency: "HKD", minTotalMinor: "2000000" } },
  { id: "rule-travel", position: 30, name: "Travel categories", groupId: "grp-travel", priority: null, conditions: { categoryCodes: ["AIR", "RAIL", "HOTEL", "TAXI"] } },
  { id: "rule-meals", position: 40, name: "Meals and entertainment", groupId: "grp-meals", priority: null, conditions: { categoryCodes: ["MEAL", "ENTERTAIN"] } },
];

export const RETURN_REASONS = [
  { code: "MISSING_RECEIPT", name: "Receipt missing", nameZh: "缺少票据" },
  { code: "ILLEGIBLE", name: "Receipt illegible", nameZh: "票据不清晰" },
  { code: "OVER_LIMIT", name: "Over the policy limit", nameZh: "超出报销标准" },
  { code: "WRONG_CATEGORY", name: "Wrong category", nameZh: "费用类别错误" },
  { code: "WRONG_TITLE", name: "Invoice made out to the wrong company", nameZh: "发票抬头错误" },
  { code: "AMOUNT_MISMATCH", name: "Amount differs from the receipt", nameZh: "金额与票据不符" },
  { code: "DUPLICATE", name: "Already claimed", nameZh: "重复报销" },
  { code: "MISSING_INFO", name: "Explanation needed", nameZh: "需补充说明" },
] as const;

/** Rough mid-market rates, 1 unit → CNY; the seed walks them a little day by day. */
export const RATES_TO_CNY: Record<string, number> = {
  USD: 7.12,
  HKD: 0.913,
  EUR: 7.71,
  JPY: 0.0478,
  GBP: 9.02,
  SGD: 5.31,
};

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟".split("");
const GIVEN = [
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
  "刚", "桂英", "晓东", "建华", "志强", "海燕", "雪梅", "子涵", "浩然", "欣怡", "宇轩", "梓萱", "思远", "佳怡", "俊杰", "诗涵",
  "文博", "雨桐", "嘉怡", "一鸣", "晨曦", "天宇", "婷婷", "国庆", "晓光", "丽华", "春燕", "立新", "红梅", "振华",
];
const EN_FIRST = ["Alice", "Brian", "Cathy", "Daniel", "Emily", "Frank", "Grace", "Henry", "Ivy", "Jason", "Karen", "Leo", "Mandy", "Nelson", "Olivia", "Peter"];
const EN_LAST = ["Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Ho", "Leung", "Tsang", "Yip"];

/** A person's name that fits their company: Chinese on the mainland, English + surname in Hong Kong. */
export function personName(rng: () => number, hongKong: boolean): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  if (hongKong) return `${pick(EN_FIRST)} ${pick(EN_LAST)}`;
  return `${pick(SURNAMES)}${pick(GIVEN)}`;
}
