"use client";
// Filters for the clients list. They live in the URL (?search=&plan=&status=), so a
// filtered list can be shared and the server renders it; this form only writes the
// URL. Without JavaScript it still works as a plain GET form.
import { useRouter } from "next/navigation";
import { useTransition, type FormEvent } from "react";

const STATUSES = ["active", "suspended", "cancelled"] as const;

type TClientFiltersProps = {
  plans: { key: string; name: string }[];
  search: string;
  plan: string;
  status: string;
};

const inputClass =
  "rounded-md border border-gray-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-200";

export function ClientFilters({ plans, search, plan, status }: TClientFiltersProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function apply(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "") params.set(name, value.trim());
    }
    // A new filter starts at page 1: no page parameter.
    const query = params.toString();
    startTransition(() => router.push(query ? `/clients?${query}` : "/clients"));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    apply(event.currentTarget);
  }

  return (
    <form
      action="/clients"
      method="get"
      role="search"
      aria-label="Filter clients"
      onSubmit={onSubmit}
      className="mb-4 flex flex-wrap items-end gap-3"
      data-pending={pending ? "" : undefined}
    >
      <div className="flex min-w-64 flex-1 flex-col gap-1">
        <label htmlFor="client-search" className="text-xs font-medium text-gray-600">
          Search clients
        </label>
        <input
          id="client-search"
          name="search"
          type="search"
          defaultValue={search}
          placeholder="Name, slug or billing email"
          className={inputClass}
          maxLength={100}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="client-plan" className="text-xs font-medium text-gray-600">
          Plan
        </label>
        <select
          id="client-plan"
          name="plan"
          defaultValue={plan}
          onChange={(event) => event.currentTarget.form && apply(event.currentTarget.form)}
          className={inputClass}
        >
          <option value="">All plans</option>
          {plans.map((option) => (
            <option key={option.key} value={option.key}>
              {option.name}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="client-status" className="text-xs font-medium text-gray-600">
          Status
        </label>
        <select
          id="client-status"
          name="status"
          defaultValue={status}
          onChange={(event) => event.currentTarget.form && apply(event.currentTarget.form)}
          className={inputClass}
        >
          <option value="">All statuses</option>
          {STATUSES.map((option) => (
            <option key={option} value={option}>
              {option.charAt(0).toUpperCase() + option.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        className="rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-blue-700 disabled:opacity-60"
        disabled={pending}
      >
        {pending ? "Searching…" : "Search"}
      </button>
    </form>
  );
}
