// Revenue is shown one currency at a time (never summed across currencies); with more
// than one, these links switch (?currency=EUR), keeping the rest of the URL.
import Link from "next/link";
import clsx from "clsx";

export function CurrencySwitcher({ currencies, active, hrefFor }: { currencies: string[]; active: string; hrefFor: (currency: string) => string }) {
  if (currencies.length < 2) return null;
  return (
    <nav aria-label="Revenue currency" className="flex items-center gap-1 rounded-lg border border-gray-200 bg-white p-1 shadow-sm">
      {currencies.map((currency) => (
        <Link
          key={currency}
          href={hrefFor(currency)}
          scroll={false}
          aria-current={currency === active ? "page" : undefined}
          className={clsx(
            "rounded-md px-3 py-1 text-sm font-medium",
            currency === active ? "bg-blue-50 text-blue-700" : "text-gray-600 hover:bg-gray-100 hover:text-gray-900",
          )}
        >
          {currency}
        </Link>
      ))}
    </nav>
  );
}
