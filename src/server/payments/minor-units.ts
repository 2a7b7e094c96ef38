// Stripe (and most card APIs) take integer amounts in the currency's minor unit; our
// invoices keep decimals in the major unit. The conversion goes through decimal.js, never
// through floats, and refuses an amount with more precision than the currency has.
import Decimal from "decimal.js";
import { AppError } from "@/server/errors/app-error";

// ISO 4217 exponents that differ from 2 (Stripe's lists of zero- and three-decimal currencies).
const ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** "12.34" USD -> 1234. Throws BAD_REQUEST for "12.345" USD rather than rounding money silently. */
export function toMinorUnits(amount: Decimal.Value, currency: string): number {
  const minor = new Decimal(amount).times(new Decimal(10).pow(currencyExponent(currency)));
  if (!minor.isInteger()) {
    throw new AppError("BAD_REQUEST", `${new Decimal(amount).toString()} ${currency} has more decimals than the currency allows.`, {
      amount: new Decimal(amount).toString(),
      currency,
    });
  }
  return minor.toNumber();
}

/** 1234 USD -> "12.34" (fixed to the currency's decimals). */
export function fromMinorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return new Decimal(minor).div(new Decimal(10).pow(exponent)).toFixed(exponent);
}
