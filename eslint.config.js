import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["node_modules/", "build/", "public/build/", "app/generated/", ".data/", "test-results/", "playwright-report/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
    },
  },
  {
    // Building an Intl formatter per date or amount cost ~8 % of the web process's CPU at month-end load;
    // app code takes the cached ones (lists too) from app/domain/intl-format.ts (whose test compares against fresh ones).
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/domain/intl-format.ts", "app/domain/intl-format.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.object.name='Intl'][callee.property.name=/^(DateTimeFormat|NumberFormat|ListFormat)$/]",
          message: "Use dateTimeFormat()/numberFormat()/listFormat() from app/domain/intl-format.ts: they cache the formatter per (locale, options).",
        },
        {
          // (Intl.ListFormat() without `new` throws, so only these two need catching here.)
          selector: "CallExpression[callee.object.name='Intl'][callee.property.name=/^(DateTimeFormat|NumberFormat)$/]",
          message: "Intl.DateTimeFormat()/Intl.NumberFormat() without `new` builds a formatter too: use app/domain/intl-format.ts.",
        },
      ],
    },
  },
);
