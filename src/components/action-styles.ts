// The billing pages' buttons and links share one look with the rest of the dashboard's
// actions (plan-action-styles.ts, api-key-actions.tsx): rounded, one colour per kind.
const ACTION = "inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-60";

export const BILLING_PRIMARY_BUTTON = `${ACTION} bg-blue-600 text-white hover:bg-blue-700`;
export const BILLING_SECONDARY_BUTTON = `${ACTION} border border-gray-300 bg-white text-gray-700 hover:bg-gray-50`;
export const BILLING_DANGER_BUTTON = `${ACTION} border border-red-200 bg-white text-red-700 hover:bg-red-50`;
export const BILLING_DESTRUCTIVE_BUTTON = `${ACTION} bg-red-600 text-white hover:bg-red-700`;

export const BILLING_INPUT =
  "rounded-md border border-gray-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-200";

export const BILLING_LINK = "font-medium text-blue-600 hover:underline";
