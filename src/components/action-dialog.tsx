"use client";
// The frame of the dashboard's action dialogs (invoices, billing run, payment accounts): modal, titled, closed by Escape or Cancel,
// scrolling when taller than the window. Mounted only while open, so every opening
// starts from a fresh form.
import { useEffect, useId, useRef, type ReactNode } from "react";

export function ActionDialog({
  title,
  description,
  onClose,
  testId,
  children,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  testId: string;
  children: ReactNode;
}) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Focus the first field (or button) so the keyboard starts inside the dialog.
    panel.current?.querySelector<HTMLElement>("input, textarea, select, button[type=submit]")?.focus();
  }, []);
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      className="fixed inset-0 z-50 overflow-y-auto bg-black/30"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <div className="flex min-h-full items-center justify-center p-4">
        <div ref={panel} className="w-full max-w-lg rounded-lg bg-white p-6 shadow-lg" data-testid={testId}>
          <h2 id={titleId} className="text-lg font-semibold text-gray-900">
            {title}
          </h2>
          {description ? <div className="mt-1 text-sm text-gray-600">{description}</div> : null}
          <div className="mt-4">{children}</div>
        </div>
      </div>
    </div>
  );
}

/** A summary of what is about to happen, label / value rows. */
export function ConfirmSummary({ rows, testId = "confirm-summary" }: { rows: { label: string; value: ReactNode }[]; testId?: string }) {
  return (
    <dl data-testid={testId} className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 rounded-md border border-gray-200 bg-gray-50 p-4 text-sm">
      {rows.map((row) => (
        <div key={row.label} className="contents">
          <dt className="text-gray-500">{row.label}</dt>
          <dd className="min-w-0 break-words text-gray-900">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ServerError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid="action-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
      {message}
    </p>
  );
}

export function FieldError({ message, id }: { message: string | null | undefined; id?: string }) {
  if (!message) return null;
  return (
    <span id={id} data-testid="field-error" className="mt-1 block text-xs text-red-600">
      {message}
    </span>
  );
}

/**
 * A dialog's last row: dismiss, and the action (a submit button unless `onConfirm` is
 * given). Both are disabled while the action runs; the action says what it is doing.
 */
export function DialogFooter({
  cancelLabel = "Cancel",
  onCancel,
  confirmLabel,
  pendingLabel,
  pending,
  confirmClassName,
  cancelClassName,
  onConfirm,
}: {
  cancelLabel?: string;
  onCancel: () => void;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  confirmClassName: string;
  cancelClassName: string;
  onConfirm?: () => void;
}) {
  return (
    <div className="flex justify-end gap-2 pt-2">
      <button type="button" className={cancelClassName} onClick={onCancel} disabled={pending}>
        {cancelLabel}
      </button>
      <button type={onConfirm ? "button" : "submit"} className={confirmClassName} onClick={onConfirm} disabled={pending}>
        {pending ? pendingLabel : confirmLabel}
      </button>
    </div>
  );
}
