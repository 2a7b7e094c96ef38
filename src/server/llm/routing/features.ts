// What the router knows about a message, from rules a person can read back: the current
// (last) user message's length, what it asks for, whether answering it needs a tool, how
// deep the conversation is. No model, no tokenizer: this runs before every chat call, so
// it stays a handful of regular expressions over one message (~0.01 ms).
//
// Every rule has a name, and the features carry the name of the rule that fired, so a
// routing decision can say why ("kept: needs tools (order lookup)"). The tool rules grew
// from held-out messages they missed (labelled-messages.ts): "action request", "missing
// or late" and "voucher code", and receipts, cards and accounts as the user's records.
import type { TQuestionType } from "@/shared/routing-rules";
import type { TChatMessage } from "../provider";
import { estimateTokens } from "../usage-estimate";

/** Tool-ish intents: answering needs the tenant's data or an action, which only tools give. */
export const TOOL_INTENT_RULES = [
  // "where is my order", "order #48213", "has my package shipped", "track my parcel"
  { name: "order lookup", pattern: /\b(my|our) (order|package|parcel|delivery|shipment)s?\b|\border (#|no\.? ?|number )?\d{3,}|\btrack(ing)? (my|our|the|a)\b/i },
  // "book a table", "reschedule my appointment", "is room 214 available"
  { name: "booking", pattern: /\b(book|reserve) (a|an|me|us|the|two|three|four|\d+)\b|\breschedul|\b(my|our|an) (appointment|booking|reservation)\b|\b(rooms?|tables?|slots?|seats?)\b[^.?!]{0,25}\bavailab/i },
  // "cancel my subscription", "please cancel the booking"
  { name: "cancellation", pattern: /\bcancel+(ing)? (my|our|the|this|that|it)\b/i },
  // "refund my last order", "I want a refund for ..."
  { name: "refund request", pattern: /\brefund (my|our|me|us|the|it|this)\b|\b(want|need|like|get) (a|my) refund\b|\bstatus of (my|our) refund\b/i },
  // "check the status", "status of my ticket"
  { name: "status check", pattern: /\bcheck (the |on )?(status|whether|if)\b|\bstatus of (my|our|the)\b/i },
  // "change my email to ...", "please upgrade us to Pro": an action on the tenant's user's account
  { name: "account change", pattern: /\b(please|can you|could you|would you|i want to|i'd like to|i need to)\s+(change|update|switch|upgrade|downgrade|delete|close|remove)\b|^(change|update|switch|upgrade|downgrade|delete|close|remove)\b/i },
  // "what's my balance", "why was I charged twice": the user's own records
  { name: "account data", pattern: /\bmy (current |last |latest |next )?(balance|invoices?|bill|usage|payments?|statement|points|credits?|receipts?|card|subscription|account)\b|\b(i was|i've been|i got|you) charged\b|\b(was|were|am) (i|we) charged\b|\bcharged (me|us|twice|again)\b/i },
  // "can you send me a copy", "could you extend the trial": the assistant is asked to act
  { name: "action request", pattern: /\b(can|could|would|will) you (please )?(send|resend|give|issue|apply|add|remove|move|transfer|extend|activate|reset|unlock|process|arrange|schedule|confirm|check|fix)\b|\b(please|i'd like to|i want to|i need to)\s+(add|remove|extend|transfer|reset|activate|unlock)\b/i },
  // "I never received ...", "still waiting for ...": something the user is owed, only a record tells
  { name: "missing or late", pattern: /\b(never|not|haven't|hasn't|didn't) (yet )?(received|arrived|got|come|called|heard)\b|\bstill waiting\b|\bwas promised\b|\bnobody (called|answered|replied)\b/i },
  // "the discount code SPRING20 isn't working"
  { name: "voucher code", pattern: /\b(discount|promo|coupon|voucher|gift card) code\b|\b[A-Z]{3,}\d{2,}\b/ },
  // "search for flights", "look up", "find me a ..."
  { name: "search", pattern: /\bsearch (for|the|our|your)\b|\blook ?up\b|\bfind me\b/i },
  { name: "link", pattern: /\bhttps?:\/\/|\bwww\.\w/i },
  // "#12345", "INV-2024-0042", "BK-48213": a record only a lookup can read
  { name: "reference id", pattern: /#\d{3,}\b|\b[A-Z]{2,5}-\d{3,}(-\d+)?\b/ },
] as const;

export type TToolIntent = (typeof TOOL_INTENT_RULES)[number]["name"] | "follows a tool request";

/** A reply that only closes the conversation; it does not carry on a tool request. */
const CLOSING = /^(ok(ay)?|thanks?|thank you|thx|cheers|bye|goodbye|great|perfect|cool|awesome|got it|no,? that'?s all)\b[^?]{0,40}$/i;

const CODE_FENCE = /```/;
const CODE_SHAPES = [
  /\b(const|let|var)\s+\w+\s*=/, // declarations
  /\bfunction\s*\w*\s*\(|\bdef\s+\w+\s*\(|=>/, // functions
  /\b\w+\.\w+\([^)]*\)/, // method calls: client.messages.list()
  /\{\s*"\w+"\s*:/, // JSON
  /<\/?[a-z][\w-]*(\s[^>]*)?>/, // HTML tags
  /\bcurl\s+-/,
  /\b\w*(Error|Exception):\s/, // "TypeError: Cannot read ..."
  /\bTraceback\b|\bstack ?trace\b/i,
];

/** First match wins, in this order: a code question is code even when it says "why". */
export const QUESTION_TYPE_RULES: ReadonlyArray<{ type: TQuestionType; name: string; test: (text: string, hasCode: boolean) => boolean }> = [
  { type: "code", name: "contains code", test: (_, hasCode) => hasCode },
  {
    type: "code",
    name: "code request",
    test: (text) =>
      /\b(write|implement|debug|refactor|fix|generate)\b[^.?!]{0,60}\b(code|function|script|class|query|regex|endpoint|snippet|sdk|bug|handler|middleware|client|retr(y|ies)|backoff|parser|tests?)\b/i.test(
        text,
      ) || /\b(python|javascript|typescript|node(\.?js)?|java|php|ruby|golang|sql|regex|hmac|json)\b/i.test(text),
  },
  { type: "multi_step", name: "step by step", test: (text) => /\bstep[- ]by[- ]step\b|\bwalk (me|us) through\b|\b(the )?steps (to|for)\b/i.test(text) },
  { type: "multi_step", name: "enumeration", test: (text) => (text.match(/^\s*(\d+[.)]|[-*•])\s+\S/gm)?.length ?? 0) >= 2 || /(^|\s)1[.)]\s[^]*\s2[.)]\s/.test(text) },
  { type: "multi_step", name: "sequence", test: (text) => /\bfirst\b[^]*\b(then|after that|afterwards)\b|\band then\b|\bafter that\b/i.test(text) },
  { type: "multi_step", name: "several questions", test: (text) => countQuestions(text) >= 3 },
  {
    type: "reasoning",
    name: "why / compare / should",
    test: (text) =>
      /\b(why|compare|comparison|difference between|differences|vs\.?|versus|pros and cons|trade-?offs?|should (i|we)|which (is|one is|would be|plan is) (better|best|cheaper|right)|better (for|than)|recommend|explain|analy[sz]e|evaluate|worth it|what happens if)\b/i.test(
        text,
      ),
  },
  {
    type: "how_to",
    name: "how to",
    test: (text) =>
      /\bhow (do|can|should|would) (i|we|you)\b|\bhow to\b|\bwhere (do|can) (i|we) (find|see|change|get|download|set)\b|\bwhat('s| is) the (best )?way to\b|\bis it possible to\b|\b(set ?up|configure|integrate|install)\b/i.test(
        text,
      ),
  },
  {
    type: "greeting",
    name: "greeting or thanks",
    test: (text) =>
      text.length <= 40 &&
      /^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|thanks?|thank you|thx|cheers|bye|goodbye|ok(ay)?|great|perfect|cool|awesome|got it)\b/i.test(text) &&
      !/\b(what|when|where|which|who|how|can|could|do|does|is|are)\b/i.test(text.replace(/^\S+/, "")),
  },
  {
    type: "factual",
    name: "single question",
    test: (text) => countQuestions(text) <= 1 && (/\?\s*$/.test(text) || /^(what|when|where|who|which|is|are|do|does|did|can|could|will|how (much|many|long|often|far|big))\b/i.test(text)),
  },
];

/** Sentences ending in "?" with at least two words ("Hello?? anyone there??" asks one). */
function countQuestions(text: string): number {
  let count = 0;
  for (const sentence of text.split("?").slice(0, -1)) if (/\S+\s+\S+/.test(sentence.replace(/^[^]*[.!\n]/, ""))) count += 1;
  return count;
}

export type TMessageFeatures = {
  /** Characters of the current message (UTF-16 code units, like the plan's maxChars). */
  chars: number;
  /** The current message's tokens by the cheap character rule of usage-estimate.ts. */
  estimatedTokens: number;
  questionType: TQuestionType;
  /** The name of the rule that set `questionType` ("no rule matched" for other). */
  questionRule: string;
  /** User turns in the conversation, the current one included. */
  depth: number;
  needsTools: boolean;
  /** The tool intent that fired, when `needsTools`. */
  toolIntent?: TToolIntent;
  hasCode: boolean;
};

function toolIntentOf(text: string): TToolIntent | undefined {
  return TOOL_INTENT_RULES.find((rule) => rule.pattern.test(text))?.name;
}

function hasCodeIn(text: string): boolean {
  return CODE_FENCE.test(text) || CODE_SHAPES.some((shape) => shape.test(text));
}

/**
 * The features of the conversation's current turn (its last user message). A message
 * with no tool intent of its own that carries on a previous user message's tool request
 * ("yes, the one on Saturday") needs tools too, unless it only closes ("thanks, bye").
 */
export function messageFeatures(messages: readonly TChatMessage[]): TMessageFeatures {
  let depth = 0;
  let current: string | undefined;
  let previous: string | undefined;
  for (const message of messages) {
    if (message.role !== "user") continue;
    depth += 1;
    previous = current;
    current = message.content;
  }
  const text = (current ?? "").trim();
  const hasCode = hasCodeIn(text);
  const rule = QUESTION_TYPE_RULES.find((candidate) => candidate.test(text, hasCode));
  let toolIntent = toolIntentOf(text);
  if (!toolIntent && previous !== undefined && !CLOSING.test(text) && toolIntentOf(previous)) toolIntent = "follows a tool request";
  return {
    chars: text.length,
    estimatedTokens: estimateTokens(text),
    questionType: rule?.type ?? "other",
    questionRule: rule?.name ?? "no rule matched",
    depth,
    needsTools: toolIntent !== undefined,
    ...(toolIntent ? { toolIntent } : {}),
    hasCode,
  };
}
