"use client";
// The plan editor's building blocks: a labelled field with its validation messages,
// and the input look shared by every section.
import type { ReactNode } from "react";
import clsx from "clsx";

export const INPUT =
  "block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-200";
export const INPUT_INVALID = "border-red-400 focus:border-red-500 focus:ring-red-200";
export const SMALL_INPUT =
  "block w-full rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-200";
export const LINK_BUTTON = "text-sm font-medium text-blue-600 hover:underline disabled:text-gray-400 disabled:no-underline";
export const REMOVE_BUTTON = "rounded px-2 py-1 text-xs text-gray-500 hover:bg-red-50 hover:text-red-700";

export function inputClass(base: string, errors: string[] | undefined): string {
  return clsx(base, errors?.length ? INPUT_INVALID : null);
}

/** Validation messages for one field, right under it. */
export function FieldErrors({ errors, id }: { errors: string[] | undefined; id?: string }) {
  if (!errors?.length) return null;
  return (
    <p id={id} data-testid="field-error" className="mt-1 text-xs text-red-600">
      {errors.join("; ")}
    </p>
  );
}

export function Field({
  label,
  htmlFor,
  hint,
  errors,
  className,
  testId,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  errors?: string[];
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className={className} data-testid={testId}>
      <label htmlFor={htmlFor} className="block text-sm font-medium text-gray-700">
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {hint ? <p className="mt-1 text-xs text-gray-500">{hint}</p> : null}
      <FieldErrors errors={errors} />
    </div>
  );
}

export function Section({ title, description, children, testId }: { title: string; description?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="rounded-lg border border-gray-200 bg-white p-6 shadow-sm" data-testid={testId} aria-label={title}>
      <h2 className="text-base font-semibold text-gray-900">{title}</h2>
      {description ? <div className="mt-1 text-sm text-gray-500">{description}</div> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** Validation messages by path ("limits.<metric>") or row id ("limits#<id>"). */
export type TFormErrors = Record<string, string[] | undefined>;

/** Messages at any of the given keys, joined; undefined when there are none. */
export function errorsAt(errors: TFormErrors, ...keys: string[]): string[] | undefined {
  const found = keys.flatMap((key) => errors[key] ?? []);
  return found.length ? found : undefined;
}

export function replaceRow<T extends { id: string }>(rows: T[], id: string, patch: Partial<T>): T[] {
  return rows.map((row) => (row.id === id ? { ...row, ...patch } : row));
}
