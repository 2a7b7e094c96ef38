// ISO 4217 currencies: which codes exist, and how many decimals (the minor unit)
// an amount in each one has. Pure and browser-safe: the plan form validates with it,
// the dashboard writes amounts with it (src/components/display-format.ts) and the
// server rounds money with it (src/server/money/money.ts), so all three agree.
//
// The list of codes comes from the runtime's ICU (Intl.supportedValuesOf), which
// tracks ISO 4217. Minor units do not: ICU's display digits differ from ISO for
// some currencies (HUF, IDR, COP...), so they come from ISO 4217 here: every code
// has 2 decimals except those listed below.
const ISO_MINOR_UNITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/**
 * Amounts (invoice lines, proration, payments) are stored as NUMERIC(14,2): a
 * currency whose minor unit is finer than a cent cannot be invoiced exactly.
 */
export const MAX_STORED_DECIMALS = 2;

let knownCodes: ReadonlySet<string> | undefined;

/** Whether `code` is an ISO 4217 code this runtime knows. */
export function isIsoCurrency(code: string): boolean {
  knownCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return knownCodes.has(code);
}

/** Decimals of the currency's minor unit: 2 for USD and EUR, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  return Object.hasOwn(ISO_MINOR_UNITS, currency) ? ISO_MINOR_UNITS[currency]! : 2;
}
