import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/env";
import {
  balanceDue,
  formatDate,
  formatMoney,
  formatMoneyWithCode,
  formatPeriod,
  formatPeriodDates,
  formatQuantity,
  formatUnitPrice,
  groupThousands,
  paymentTermsText,
  footerText,
  priceUnit,
  printable,
  type TGlyphCoverage,
  usageDetail,
} from "./invoice-pdf-format";
import { loadInvoiceFont } from "./invoice-pdf";
import { sellerFromEnv } from "./invoice-pdf-data";

describe("invoice PDF formatting", () => {
  it.each([
    ["1234.56", "USD", "1,234.56"],
    ["1234.5", "USD", "1,234.50"],
    ["0", "USD", "0.00"],
    ["-0.00", "USD", "0.00"],
    ["-15.47", "USD", "-15.47"],
    ["1600", "JPY", "1,600"],
    ["1.234", "KWD", "1.234"],
    ["99999999999.99", "EUR", "99,999,999,999.99"],
  ])("money %s %s prints as %s, with the currency's decimals", (amount, currency, printed) => {
    expect(formatMoney(amount, currency)).toBe(printed);
  });

  it("money with its code puts the ISO code first", () => {
    expect(formatMoneyWithCode("1234.56", "USD")).toBe("USD 1,234.56");
  });

  it("prints every cent amount exactly, without float drift", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }), (cents) => {
        const negative = cents < 0n;
        const digits = (negative ? -cents : cents).toString().padStart(3, "0");
        const amount = `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
        const printed = formatMoney(amount, "USD");
        expect(printed.replaceAll(",", "")).toBe(cents === 0n ? "0.00" : amount.replace(/^(-?)0+(\d)/, "$1$2"));
      }),
    );
  });

  it.each([
    ["1234567.000000", "1,234,567"],
    ["0.500000", "0.5"],
    ["1", "1"],
    ["0.000000", "0"],
    ["1232567890.123400", "1,232,567,890.1234"],
  ])("quantity %s prints trimmed as %s", (quantity, printed) => {
    expect(formatQuantity(quantity)).toBe(printed);
  });

  it.each([
    ["0.0020000000", "0.002"],
    ["29.0000000000", "29.00"],
    ["29.5", "29.50"],
    ["0.0061234567", "0.0061234567"],
    ["-15.4700000000", "-15.47"],
    ["1234.1000000000", "1,234.10"],
  ])("unit price %s prints as %s (trailing zeros trimmed, at least 2 decimals)", (price, printed) => {
    expect(formatUnitPrice(price)).toBe(printed);
  });

  it("groups thousands of the integer part only", () => {
    expect(groupThousands("1234567.1234567")).toBe("1,234,567.1234567");
    expect(groupThousands("-999")).toBe("-999");
    expect(() => groupThousands("1e5")).toThrow(RangeError);
  });

  it("dates are UTC calendar dates; the period's end is its last day, not the next month's first", () => {
    expect(formatDate(new Date("2026-12-31T23:30:00Z"))).toBe("31 Dec 2026");
    expect(formatPeriod("2026-10")).toBe("October 2026");
    expect(formatPeriodDates(new Date("2026-02-01T00:00:00Z"), new Date("2026-03-01T00:00:00Z"))).toBe("1 Feb 2026 - 28 Feb 2026");
  });

  it("payment terms count whole days from issue to due date", () => {
    expect(paymentTermsText(new Date("2026-12-03T09:00:00Z"), new Date("2026-12-17T09:00:00Z"))).toBe(
      "Payment due within 14 days of the invoice date (by 17 Dec 2026).",
    );
    expect(paymentTermsText(new Date("2026-12-03T09:00:00Z"), new Date("2026-12-03T09:00:00Z"))).toBe("Payment due on receipt.");
  });

  it.each([
    ["pending", "100.00", "0.00", "100.00"],
    ["overdue", "100.00", "40.00", "60.00"],
    ["paid", "100.00", "100.00", "0.00"],
    ["refunded", "100.00", "100.00", "0.00"],
    ["cancelled", "100.00", "0.00", "0.00"],
    ["paid", "-12.00", "0.00", "0.00"],
  ] as const)("a %s invoice of %s with %s paid has %s due", (status, total, amountPaid, due) => {
    expect(balanceDue({ status, total, amountPaid, currency: "USD" })).toBe(due);
  });

  it("describes tiers and the multiplier of a usage line, and its price unit", () => {
    const line = {
      kind: "usage" as const,
      metadata: {
        unit: 1000,
        usageMultiplier: "1.25",
        tierMode: "graduated",
        tiers: [
          { upTo: 5_000_000, units: "5000000", unitPrice: "0.008" },
          { upTo: null, units: "1500000", unitPrice: "0.007" },
        ],
      },
    };
    expect(usageDetail(line)).toBe(
      "Graduated tiers, prices per 1,000: 5,000,000 at 0.008 (up to 5,000,000); 1,500,000 at 0.007 (above); usage multiplier x1.25 applied",
    );
    expect(priceUnit(line)).toBe(1000);
    expect(usageDetail({ kind: "usage", metadata: { unit: 1, usageMultiplier: "1" } })).toBeNull();
    expect(usageDetail({ kind: "base", metadata: null })).toBeNull();
    expect(priceUnit({ kind: "usage", metadata: { unit: "not a number" } })).toBe(1);
  });
});

describe("printable text in the embedded DejaVu Sans", () => {
  let hasGlyph: TGlyphCoverage;
  beforeAll(async () => {
    hasGlyph = await loadInvoiceFont();
  });

  it.each([
    ["Café Müller & Søn — “Ltd.” €5"],
    ["Łódź Černý Ελλάδα Москва"],
    ["Zażółć gęślą jaźń, Příliš žluťoučký kůň, Őrült Ţară"],
    ["Ἀθῆναι ΑΘΗΝΑ, Київ Ґанок, Ереван Երևան, თბილისი, שלום"],
  ])("prints Latin, Greek, Cyrillic, Armenian, Georgian and Hebrew names as they are: %s", (name) => {
    expect(printable(name, hasGlyph)).toBe(name);
  });

  it("turns what the font cannot draw (CJK, control characters) into ?, tabs into spaces and CRLF into LF", () => {
    expect(printable("東京 Sushi\tBar\r\nline 2\u0007", hasGlyph)).toBe("?? Sushi Bar\nline 2?");
  });

  it("keeps only what both faces draw: a letter the bold face lacks folds to its plain form", () => {
    // Mathematical sans-serif letters are in DejaVu Sans but not in DejaVu Sans Bold.
    expect(printable("𝖠𝖼𝗆𝖾 𝟤𝟢𝟤𝟨", hasGlyph)).toBe("Acme 2026");
  });

  it("folds a character the font lacks to its base letter when that one is drawable, else ?", () => {
    const asciiOnly: TGlyphCoverage = (codePoint) => codePoint >= 0x20 && codePoint < 0x7f;
    expect(printable("Černý Łódź Ωmega", asciiOnly)).toBe("Cerny ?odz ?mega");
  });
});

describe("seller from the environment", () => {
  const base = { NEXTAUTH_SECRET: "x".repeat(40) };

  it("splits the address on real newlines and on a literal backslash-n from a .env file", () => {
    const seller = sellerFromEnv(
      parseEnv({
        ...base,
        INVOICE_SELLER_NAME: "Acme GmbH",
        INVOICE_SELLER_ADDRESS: "Hauptstr. 1\\n10115 Berlin\nGermany\\n",
        INVOICE_SELLER_EMAIL: "billing@acme.example",
        INVOICE_SELLER_TAX_ID: "DE123456789",
      }),
    );
    expect(seller).toEqual({
      name: "Acme GmbH",
      addressLines: ["Hauptstr. 1", "10115 Berlin", "Germany"],
      email: "billing@acme.example",
      taxId: "DE123456789",
    });
  });

  it("has defaults and no tax id when none is set", () => {
    const seller = sellerFromEnv(parseEnv(base));
    expect(seller.addressLines.length).toBeGreaterThan(0);
    expect(seller.taxId).toBeNull();
  });
});

describe("footerText", () => {
  const invoice = {
    number: "INV-2026-000007",
    status: "pending" as const,
    issuedAt: new Date("2026-12-03T09:00:00Z"),
    dueAt: new Date("2026-12-17T09:00:00Z"),
    paidAt: null,
  };
  it("states the terms while something is due", () => {
    expect(footerText(invoice, "12.00")).toBe(`${paymentTermsText(invoice.issuedAt, invoice.dueAt)} Please quote INV-2026-000007 with your payment.`);
  });
  it("says why nothing is due: paid, zero, cancelled", () => {
    expect(footerText({ ...invoice, status: "paid", paidAt: new Date("2026-12-05T10:00:00Z") }, "0.00")).toBe("Paid in full on 5 Dec 2026. Thank you.");
    expect(footerText(invoice, "0.00")).toBe("Nothing is due on this invoice.");
    expect(footerText({ ...invoice, status: "cancelled" }, "0.00")).toBe("Invoice INV-2026-000007 was cancelled: nothing is due.");
  });
});
