// Money arithmetic in one place: one decimal.js configuration, one rounding to a
// currency's minor unit, one way to write an amount as a decimal string. Pure (it
// imports decimal.js and src/shared/currency.ts only): no JS number ever holds money.
//
// Rounding rule: an amount is rounded ONCE, from its exact value, to the currency's
// minor unit (2 decimals for USD/EUR, 0 for JPY, 3 for KWD), half to even (5.025 ->
// 5.02, 5.075 -> 5.08), so that rounding has no bias up or down over many lines or
// plan changes. Sums of rounded amounts are exact and never rounded again.
import Decimal from "decimal.js";
import { minorUnitDigits } from "@/shared/currency";

/**
 * The decimal.js configuration for money: proration, pricing, revenue sums.
 *
 * 64 significant digits: a base price has at most 20 digits (NUMERIC(20,10)) and a
 * proration ratio's terms at most 10 (milliseconds in a month), so base x remaining is
 * exact and a non-terminating quotient is far (>= 1e-22) from any half-cent boundary,
 * beyond the 1e-50 error of a 64-digit quotient: rounding it equals rounding the exact
 * value. Sums of 100,000 NUMERIC(14,2) amounts need about 20 digits, well inside 64, so
 * additions, subtractions and products by counts are exact and the rounding mode never
 * applies to them; where it does apply (division, toDecimalPlaces without a mode) it is
 * half to even, like every rounding of money here.
 */
export const Money = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * The value as a decimal string, never "-0" (decimal.js keeps the sign of zero, and a
 * tiny negative amount rounds to it). With `decimals`: exactly that many, rounded half
 * to even ("2.5", 2 -> "2.50"); without: every digit the value has, no trailing zeros.
 */
export function formatDecimal(value: Decimal.Value, decimals?: number): string {
  const exact = new Money(value);
  const rounded = decimals === undefined ? exact : exact.toDecimalPlaces(decimals, Decimal.ROUND_HALF_EVEN);
  const unsigned = rounded.isZero() ? rounded.abs() : rounded;
  return decimals === undefined ? unsigned.toFixed() : unsigned.toFixed(decimals);
}

/** `amount` rounded once, half to even, to the currency's minor unit: "1548.387" JPY -> 1548. */
export function roundToMinorUnit(amount: Decimal.Value, currency: string): Decimal {
  return new Money(amount).toDecimalPlaces(minorUnitDigits(currency), Decimal.ROUND_HALF_EVEN);
}

/** The amount as a decimal string with exactly the currency's minor-unit decimals: "15.5" USD -> "15.50", "1600" JPY -> "1600". */
export function formatMinorUnits(amount: Decimal.Value, currency: string): string {
  return formatDecimal(amount, minorUnitDigits(currency));
}
