export * from "./amounts";
export * from "./dates";
export * from "./duplicate-invoice";
export * from "./extract-fields";
export * from "./fields";
export * from "./invoice-number";
export * from "./qr-payload";
export * from "./uscc";
