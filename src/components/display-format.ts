// How the dashboard writes numbers, money, dates and periods. Money arrives as
// decimal strings and is handed to Intl.NumberFormat *as a string*: Intl formats
// string decimals exactly (no float on the way), rounding half away from zero
// for display only. Each currency has its own decimals, ISO 4217's, as on the
// invoice PDF (src/shared/currency.ts; not Intl's, which writes HUF without them):
// "$1,234.50", "¥1,235", "KWD 1.235". Dates are shown in UTC, like billing periods.
import { minorUnitDigits } from "@/shared/currency";

const LOCALE = "en-US";

type TDecimalString = `${number}` | string;

function asDecimal(value: TDecimalString): Intl.StringNumericLiteral {
  return value as Intl.StringNumericLiteral;
}

/** True when 0 < |value| < 1, read from the string (no conversion to a float). */
function isFractionOfOne(value: string): boolean {
  const trimmed = value.trim();
  return /^-?0*(\.\d*)?$/.test(trimmed) && /[1-9]/.test(trimmed);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, minimumFractionDigits: number, maximumFractionDigits: number): Intl.NumberFormat {
  const key = `${currency}/${minimumFractionDigits}/${maximumFractionDigits}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { style: "currency", currency, minimumFractionDigits, maximumFractionDigits });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * An amount of an invoice, a payment or a plan (what the server rounds to the minor
 * unit), with exactly the currency's decimals, as the invoice PDF prints it:
 * "1234.5" USD -> "$1,234.50", "1234.5" JPY -> "¥1,235", "1.5" KWD -> "KWD 1.500".
 */
export function formatAmount(value: TDecimalString, currency: string): string {
  const digits = minorUnitDigits(currency);
  return moneyFormat(currency, digits, digits).format(asDecimal(value));
}

/**
 * "1234.5" USD -> "$1,234.50", with the currency's decimals ("¥1,235"). Usage costs
 * are often fractions of a cent: between zero and one unit they show two decimals
 * more than the currency has ("$0.0042", "$0.1460", "¥0.15") unless `fractionDigits`
 * says otherwise (then at least 2 and at most `fractionDigits`).
 */
export function formatMoney(value: TDecimalString, currency = "USD", fractionDigits?: number): string {
  if (fractionDigits !== undefined) return moneyFormat(currency, Math.min(2, fractionDigits), fractionDigits).format(asDecimal(value));
  if (!isFractionOfOne(value)) return formatAmount(value, currency);
  const digits = minorUnitDigits(currency) + 2;
  const format = moneyFormat(currency, digits, digits);
  // Tiny but not nothing: say so rather than print "$0.0000".
  if (new RegExp(`^0*\\.0{${digits}}`).test(value.trim())) return `<${format.format(asDecimal(`0.${"1".padStart(digits, "0")}`))}`;
  return format.format(asDecimal(value));
}

/** A unit price such as "0.0000025": every significant decimal, up to 10 (at least 2, as on the PDF). */
export function formatUnitPrice(value: TDecimalString, currency = "USD"): string {
  return moneyFormat(currency, 2, 10).format(asDecimal(value));
}

const countFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
/** "12345.0000000000" -> "12,345". */
export function formatCount(value: TDecimalString | number): string {
  return countFormat.format(typeof value === "number" ? value : asDecimal(value));
}

const compactFormat = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });
/** 2_500_000 -> "2.5M"; for limits and chart axes. */
export function formatCompact(value: TDecimalString | number): string {
  return compactFormat.format(typeof value === "number" ? value : asDecimal(value));
}

const dateFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: "UTC",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  // h23, not hour12: false, which writes midnight as "24:00" in en-US.
  hourCycle: "h23",
  timeZoneName: "short",
});

export function formatDate(date: Date): string {
  return dateFormat.format(date);
}

export function formatDateTime(date: Date): string {
  return dateTimeFormat.format(date);
}

const periodFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", year: "numeric", month: "short" });
/** "2026-11" -> "Nov 2026". */
export function formatPeriod(period: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return period;
  return periodFormat.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
}

/** "messagesPerMonth" -> "Messages per month", "costLimitUSD" -> "Cost limit USD". */
export function formatMetricName(metric: string): string {
  const words = metric
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(" ")
    .map((word, index) => (/^[A-Z]{2,}$/.test(word) ? word : index === 0 ? word : word.toLowerCase()));
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** A usage counter's name as the dashboard shows it: "costUsd" -> "Cost (USD)", "toolCalls" -> "Tool calls". */
export function formatUsageMetric(metric: string): string {
  return metric === "costUsd" ? "Cost (USD)" : formatMetricName(metric);
}
