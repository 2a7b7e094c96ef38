// The plan pages' buttons and links share one look with the rest of the dashboard's
// actions (api-key-actions.tsx): rounded, one colour per kind of action. Plan cards
// are narrow (five fit side by side), so their actions are a size smaller.
const ACTION = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";
const CARD_ACTION = "rounded-md px-2.5 py-1 text-xs font-medium disabled:opacity-60";

const PRIMARY = "bg-blue-600 text-white hover:bg-blue-700";
const SECONDARY = "border border-gray-300 bg-white text-gray-700 hover:bg-gray-50";
const DANGER = "border border-red-200 bg-white text-red-700 hover:bg-red-50";

export const PLAN_PRIMARY_BUTTON = `${ACTION} ${PRIMARY}`;
export const PLAN_SECONDARY_BUTTON = `${ACTION} ${SECONDARY}`;
export const PLAN_CARD_PRIMARY = `${CARD_ACTION} ${PRIMARY}`;
export const PLAN_CARD_SECONDARY = `${CARD_ACTION} ${SECONDARY}`;
export const PLAN_CARD_DANGER = `${CARD_ACTION} ${DANGER}`;
