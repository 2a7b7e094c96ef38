// Stripe (and most card APIs) take integer amounts in the currency's minor unit; our
// invoices keep decimals in the major unit. The conversion goes through decimal.js, never
// through floats, and refuses an amount with more precision than the currency has.
//
// The exponents here are the payment API's, not ISO 4217's (src/shared/currency.ts):
// Stripe takes ISK as a two-decimal currency (ISO: 0) and MGA as a zero-decimal one
// (ISO: 2), and its three-decimal list is shorter than ISO's. An amount sent to Stripe
// must follow Stripe.
import type Decimal from "decimal.js";
import { Money } from "./money";
import { AppError } from "@/server/errors/app-error";

// Exponents that differ from 2, from Stripe's lists of zero- and three-decimal currencies.
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
  const minor = new Money(amount).times(new Money(10).pow(currencyExponent(currency)));
  if (!minor.isInteger()) {
    throw new AppError("BAD_REQUEST", `${new Money(amount).toString()} ${currency} has more decimals than the currency allows.`, {
      amount: new Money(amount).toString(),
      currency,
    });
  }
  return minor.toNumber();
}

/** 1234 USD -> "12.34" (fixed to the currency's decimals). */
export function fromMinorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return new Money(minor).div(new Money(10).pow(exponent)).toFixed(exponent);
}
