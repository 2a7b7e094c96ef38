"use client";
// Filters for the invoices list. They live in the URL, so a filtered list can be shared
// and the server renders it; this form only writes the URL (and works without
// JavaScript as a plain GET form). The status tabs and ?clientId= ride along as hidden
// fields; ?currency= (the revenue view) is kept too.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useTransition, type FormEvent } from "react";
import { formatPeriod } from "@/components/display-format";
import { BILLING_INPUT, BILLING_LINK, BILLING_PRIMARY_BUTTON } from "@/components/action-styles";

type TInvoiceFiltersProps = {
  periods: string[];
  search: string;
  period: string;
  minTotal: string;
  maxTotal: string;
  /** Kept as they are: chosen elsewhere on the page. */
  hidden: { status?: string; clientId?: string; currency?: string };
  /** Where "Clear filters" goes, or null when nothing is filtered. */
  clearHref: string | null;
};

// Amounts as the API takes them; the browser flags "12.345" or "abc" before a round trip.
const AMOUNT_PATTERN = "\\s*\\d{1,12}(\\.\\d{1,2})?\\s*";

export function InvoiceFilters({ periods, search, period, minTotal, maxTotal, hidden, clearHref }: TInvoiceFiltersProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const ids = { search: useId(), period: useId(), min: useId(), max: useId() };

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "") params.set(name, value.trim());
    }
    // A new filter starts at page 1: no page parameter. The list stays in view.
    const query = params.toString();
    startTransition(() => router.push(query ? `/billing?${query}` : "/billing", { scroll: false }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (event.currentTarget.reportValidity()) apply(event.currentTarget);
  }

  return (
    <form
      action="/billing"
      method="get"
      role="search"
      aria-label="Filter invoices"
      onSubmit={onSubmit}
      className="mb-4 flex flex-wrap items-end gap-3"
      data-pending={pending ? "" : undefined}
    >
      {Object.entries(hidden).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <div className="flex min-w-56 flex-1 flex-col gap-1">
        <label htmlFor={ids.search} className="text-xs font-medium text-gray-600">
          Search invoices
        </label>
        <input
          id={ids.search}
          name="search"
          type="search"
          defaultValue={search}
          placeholder="Invoice number or client name"
          maxLength={100}
          className={BILLING_INPUT}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.period} className="text-xs font-medium text-gray-600">
          Period
        </label>
        <select
          id={ids.period}
          name="period"
          defaultValue={period}
          onChange={(event) => event.currentTarget.form && apply(event.currentTarget.form)}
          className={BILLING_INPUT}
        >
          <option value="">All periods</option>
          {periods.map((option) => (
            <option key={option} value={option}>
              {formatPeriod(option)}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.min} className="text-xs font-medium text-gray-600">
          Total from
        </label>
        <input
          id={ids.min}
          name="minTotal"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN}
          title="An amount like 12.50"
          defaultValue={minTotal}
          placeholder="0.00"
          className={`${BILLING_INPUT} w-28 text-right tabular-nums`}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.max} className="text-xs font-medium text-gray-600">
          Total up to
        </label>
        <input
          id={ids.max}
          name="maxTotal"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN}
          title="An amount like 100 or 99.99"
          defaultValue={maxTotal}
          placeholder="any"
          className={`${BILLING_INPUT} w-28 text-right tabular-nums`}
        />
      </div>
      <button type="submit" className={`${BILLING_PRIMARY_BUTTON} py-2`} disabled={pending}>
        {pending ? "Filtering…" : "Filter"}
      </button>
      {clearHref ? (
        <Link href={clearHref} scroll={false} className={`${BILLING_LINK} py-2 text-sm`}>
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}
