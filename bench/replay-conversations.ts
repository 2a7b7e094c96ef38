// Synthetic support conversations for the chat widget, for bench/replay-optimization.ts:
// what users of the tenants' widgets type (greetings and thanks, short factual questions,
// how-to questions, order lookups / cancellations / bookings, pasted logs and configs,
// code questions, multi-step requests, "why / which" questions) and what the assistant
// answers, at realistic lengths. Deterministic: one seeded PRNG (mulberry32, the seed's),
// never Math.random, so every run replays the same 1,000 conversations.
//
// The fake providers answer through `replyFor`: the assistant's reply is a function of
// the user's message (looked up by a key that survives lossless compression: the
// message's first line with whitespace removed), so every replay of a conversation, with
// or without optimization, sees the same replies.
import { mulberry32, type TRandom } from "@/server/seed/demo-random";

export type TTurnKind = "greeting" | "thanks" | "factual" | "how_to" | "tool" | "pasted_log" | "code" | "multi_step" | "reasoning";

export type TReplayTurn = { kind: TTurnKind; user: string; reply: string };
export type TReplayConversation = { id: string; turns: TReplayTurn[] };

const pick = <T>(rng: TRandom, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const between = (rng: TRandom, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const chance = (rng: TRandom, p: number) => rng() < p;

const PRODUCTS = ["the Pro plan", "the Starter plan", "the mobile app", "the Slack integration", "the API", "the analytics add-on", "the team workspace"];
const CITIES = ["Berlin", "Lisbon", "Toronto", "Austin", "Melbourne", "Dublin", "Osaka"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const SERVICES = ["nginx", "api-gateway", "billing-worker", "webhook-relay", "auth-service", "widget-cdn"];

const GREETINGS = ["Hi", "Hello", "hey there", "Good morning", "Hi!", "hello?", "Hey, anyone around?", "Good afternoon :)", "hiya"];
const THANKS = ["Thanks!", "thank you, that helped", "ok great, thanks", "Perfect, thank you", "Got it, thanks a lot", "thx", "Cheers!", "Great, bye", "no, that's all, thanks"];

const FACTUAL: Array<(rng: TRandom) => string> = [
  (rng) => `What are your opening hours on ${pick(rng, DAYS)}?`,
  (rng) => `Do you ship to ${pick(rng, CITIES)}?`,
  (rng) => `How much is ${pick(rng, PRODUCTS)} per month?`,
  () => "Is there a free trial?",
  (rng) => `Does ${pick(rng, PRODUCTS)} support SSO?`,
  () => "What payment methods do you accept?",
  (rng) => `Is your store in ${pick(rng, CITIES)} open on public holidays?`,
  () => "Can I pay by bank transfer?",
  (rng) => `How many users can ${pick(rng, PRODUCTS)} have?`,
  () => "Do you have a student discount?",
  () => "What's the maximum file size for uploads?",
  () => "Which languages does the widget support?",
];

const HOW_TO: Array<(rng: TRandom) => string> = [
  () => "How do I reset my password?",
  () => "How can I export my invoices as CSV?",
  () => "Where do I find my API key?",
  (rng) => `How do I set up ${pick(rng, PRODUCTS)} for my team?`,
  () => "How can I change the language of the dashboard?",
  () => "How do I add a second admin to our workspace?",
  (rng) => `What's the best way to integrate ${pick(rng, PRODUCTS)} with our CRM?`,
  () => "How do I turn on two-factor authentication?",
  () => "Is it possible to change the widget's colours to match our brand?",
];

const TOOL: Array<(rng: TRandom) => string> = [
  (rng) => `Where is my order #${between(rng, 10000, 99999)}?`,
  (rng) => `Please cancel my subscription, it renews on the ${between(rng, 1, 28)}th`,
  (rng) => `Can you book a table for ${pick(rng, ["two", "three", "four"])} on ${pick(rng, DAYS)} at ${between(rng, 6, 9)}pm?`,
  (rng) => `I'd like to reschedule my appointment to ${pick(rng, DAYS)} morning`,
  (rng) => `Has my package shipped yet? Order number ${between(rng, 100000, 999999)}`,
  () => "I was charged twice this month, can you check?",
  (rng) => `Cancel my booking BK-${between(rng, 1000, 9999)} please`,
  (rng) => `Could you resend the invoice INV-2026-${String(between(rng, 1, 999)).padStart(4, "0")} to our accounts team?`,
  () => "I still haven't received my refund from last week",
  (rng) => `Is room ${between(rng, 100, 450)} available next weekend?`,
];

const CODE: Array<(rng: TRandom) => string> = [
  () =>
    "Why does this return 401?\n\n```js\nconst res = await fetch('https://api.example.com/v1/messages', {\n  method: 'POST',\n  headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + process.env.KEY },\n  body: JSON.stringify({ message: 'hi' }),\n});\nconsole.log(res.status);\n```",
  () =>
    "Our webhook handler rejects every event with 'invalid signature'. This is the code:\n\n```python\nimport hmac, hashlib\n\ndef verify(body: bytes, header: str, secret: str) -> bool:\n    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, header)\n```\n\nWhat are we doing wrong?",
  (rng) =>
    `How do I embed the widget in a React app? I tried this and nothing shows:\n\n\`\`\`tsx\nexport function Chat() {\n  useEffect(() => {\n    const s = document.createElement("script");\n    s.src = "https://cdn.example.com/widget.js";\n    s.dataset.key = "pk_live_${between(rng, 1000, 9999)}";\n    document.body.appendChild(s);\n  }, []);\n  return null;\n}\n\`\`\``,
  () => "Can you write a function in TypeScript that retries the API call with exponential backoff on 429?",
  () => "TypeError: Cannot read properties of undefined (reading 'conversationId') when I call client.messages.send() right after init. Any idea?",
  () => "What's the SQL to count messages per day from the export table?",
];

const MULTI_STEP: Array<(rng: TRandom) => string> = [
  () => "First I need to change the billing email, then add two seats, and after that send me the updated invoice",
  () => "Can you walk me through connecting our domain, verifying it and then enabling the widget on the checkout page?",
  () => "1. move our workspace to the EU region\n2. keep the chat history\n3. tell me how long the downtime is",
  () => "What are the steps to migrate from the old widget to the new one, and do we need to change our API keys, and will the analytics carry over?",
];

const REASONING: Array<(rng: TRandom) => string> = [
  (rng) => `Should I pick the annual or the monthly plan if we have ${between(rng, 3, 40)} agents?`,
  () => "Why are the answers slower since yesterday?",
  () => "What's the difference between the Starter and Pro plans for a small shop like ours?",
  () => "Is it worth it to turn on the analytics add-on for 2k chats a month?",
  () => "Which plan is better for a team that mostly chats in the evenings?",
];

// ---------------------------------------------------------------------------------------
// Pasted logs and configs: the long messages lossless compression is for. Some are pasted
// raw with aligned columns and trailing spaces (whitespace runs), some inside a code fence
// (never touched), some twice in one message, some again in a later turn.

function logBlock(rng: TRandom, lines: number): string {
  const service = pick(rng, SERVICES);
  const rows: string[] = [];
  let second = between(rng, 0, 3000);
  for (let i = 0; i < lines; i += 1) {
    second += between(rng, 0, 40);
    const time = `2026-11-${String(between(rng, 10, 28)).padStart(2, "0")}T${String(9 + Math.floor(second / 3600) % 12).padStart(2, "0")}:${String(Math.floor(second / 60) % 60).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}Z`;
    const level = pick(rng, ["INFO ", "INFO ", "WARN ", "ERROR", "DEBUG"]);
    const message = pick(rng, [
      `upstream timed out (110: Connection timed out) while reading response header from upstream, request: "POST /v1/chat HTTP/1.1"`,
      `retrying request ${between(rng, 1, 5)}/5 after ${between(rng, 100, 2000)}ms`,
      `webhook delivery failed: status=${pick(rng, [500, 502, 503, 504])} attempt=${between(rng, 1, 8)}`,
      `connection pool exhausted (size=${between(rng, 5, 50)}, waiting=${between(rng, 1, 200)})`,
      `GET /health 200 ${between(rng, 1, 30)}ms`,
      `token refresh succeeded for tenant t_${between(rng, 100, 999)}`,
      `rate limit reached for key pk_live_****${between(rng, 1000, 9999)} (60 req/min)`,
      `TLS handshake error from 10.0.${between(rng, 0, 255)}.${between(rng, 1, 254)}: EOF`,
    ]);
    const pad = " ".repeat(between(rng, 1, 6));
    rows.push(`${time}  ${level}${pad}[${service}]${pad}${message}${chance(rng, 0.3) ? "   " : ""}`);
  }
  return rows.join("\n");
}

function configBlock(rng: TRandom): string {
  const env = pick(rng, ["production", "staging"]);
  return [
    `widget:`,
    `  key:        pk_live_${between(rng, 100000, 999999)}`,
    `  environment: ${env}`,
    `  position:   bottom-right`,
    `  greeting:   "Hi! How can we help?"`,
    `  languages:  [en, de, fr]`,
    `webhooks:`,
    `  url:        https://hooks.example.com/${pick(rng, ["chat", "support", "events"])}`,
    `  events:     [message.created, conversation.closed]`,
    `  retries:    ${between(rng, 1, 10)}`,
    `  timeout_ms: ${between(rng, 1000, 30000)}`,
    `rate_limits:`,
    `  per_minute: ${between(rng, 10, 600)}`,
    `  burst:      ${between(rng, 5, 50)}`,
  ].join("\n");
}

function pastedMessage(rng: TRandom, earlierPaste: string | null): { text: string; paste: string } {
  if (earlierPaste && chance(rng, 0.5)) {
    // The same block again in a later turn: "still failing, same log".
    return { text: `${pick(rng, ["Still failing, here's the log again:", "Same thing happens again:", "It's still broken. Log:"])}\n\n${earlierPaste}`, paste: earlierPaste };
  }
  const isConfig = chance(rng, 0.3);
  const block = isConfig ? configBlock(rng) : logBlock(rng, between(rng, 6, 60));
  const intro = isConfig
    ? pick(rng, ["This is our widget config, what's wrong with it?", "Here is our config file, the webhooks never fire:", "Our setup (copied from the dashboard):"])
    : pick(rng, ["Our integration stopped working this morning, here is the log:", "We keep getting errors, log below:", "The bot stopped answering, this is from our server:"]);
  const fenced = chance(rng, 0.3);
  const body = fenced ? `\`\`\`\n${block}\n\`\`\`` : block;
  const blankRun = "\n".repeat(between(rng, 2, 5));
  const twice = chance(rng, 0.2);
  const text = twice ? `${intro}${blankRun}${body}${blankRun}sorry, pasted it again:\n\n${body}` : `${intro}${blankRun}${body}${chance(rng, 0.5) ? `${blankRun}Any idea what's going on?` : ""}`;
  return { text, paste: body };
}

// ---------------------------------------------------------------------------------------
// The assistant's replies: lengths by kind, from a support assistant's sentences.

const REPLY_SENTENCES = [
  "I can help with that.",
  "Thanks for the details, that makes it much easier to see what is going on.",
  "You can find this under Settings, then Billing, in the dashboard.",
  "The change takes effect immediately and your team does not need to log in again.",
  "If the problem persists, please let me know the exact time it happened and I will look into it.",
  "Our support team is available Monday to Friday from 9:00 to 18:00 CET.",
  "The log shows the upstream service timing out after 60 seconds, which usually means the webhook endpoint is slow to answer.",
  "Retries use exponential backoff, starting at one second and doubling up to a maximum of five attempts.",
  "Make sure the Authorization header carries the secret key, not the publishable one, when you call the API from your server.",
  "The publishable key is meant for the browser and only works from the origins you allowed in the dashboard.",
  "I have checked your account and everything looks in order on our side.",
  "You will receive a confirmation email within a few minutes.",
  "Please note that plan changes are prorated to the day, so you only pay for what you use.",
  "The connection pool is too small for the number of concurrent requests: raise it or reduce the concurrency of the worker.",
  "The signature is computed over the raw request body, so parsing the JSON before verifying it will always fail.",
  "Exports are generated in the background and stay available for seven days.",
];

function replyText(rng: TRandom, kind: TTurnKind): string {
  const [min, max]: readonly [number, number] = (
    {
    greeting: [1, 2],
    thanks: [1, 2],
    factual: [2, 4],
    how_to: [4, 8],
    tool: [2, 5],
    pasted_log: [6, 12],
    code: [5, 9],
    multi_step: [6, 10],
    reasoning: [4, 8],
    } as const
  )[kind];
  const sentences = Array.from({ length: between(rng, min, max) }, () => pick(rng, REPLY_SENTENCES));
  if (kind === "greeting") return `${pick(rng, ["Hi!", "Hello!", "Hi there!"])} ${pick(rng, ["How can I help you today?", "What can I do for you?"])}`;
  if (kind === "thanks") return pick(rng, ["You're welcome! Have a great day.", "Glad I could help. Anything else?", "Happy to help, bye!"]);
  if (kind === "how_to" || kind === "multi_step") {
    return `${sentences[0]}\n\n${sentences
      .slice(1)
      .map((s, i) => `${i + 1}. ${s}`)
      .join("\n")}`;
  }
  if (kind === "code") {
    const code = "```ts\nasync function withRetry<T>(call: () => Promise<T>, attempts = 5): Promise<T> {\n  for (let i = 0; ; i += 1) {\n    try {\n      return await call();\n    } catch (error) {\n      if (i + 1 >= attempts) throw error;\n      await new Promise((r) => setTimeout(r, 2 ** i * 1000));\n    }\n  }\n}\n```";
    return `${sentences.slice(0, 2).join(" ")}\n\n${code}\n\n${sentences.slice(2).join(" ")}`;
  }
  return sentences.join(" ");
}

/** The key the fake finds a reply by: the first line without whitespace (compression keeps its words). */
export function replyKey(userMessage: string): string {
  const firstLine = userMessage.trimStart().split("\n")[0] ?? "";
  return firstLine.replace(/\s+/g, "").slice(0, 120);
}

const KIND_WEIGHTS: ReadonlyArray<[TTurnKind, number]> = [
  ["factual", 20],
  ["how_to", 16],
  ["tool", 20],
  ["pasted_log", 9],
  ["code", 8],
  ["multi_step", 6],
  ["reasoning", 10],
  ["thanks", 6],
  ["greeting", 5],
];
const TOTAL_WEIGHT = KIND_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

function pickKind(rng: TRandom): TTurnKind {
  let roll = rng() * TOTAL_WEIGHT;
  for (const [kind, weight] of KIND_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return "factual";
}

/** 2-14 user turns, most conversations short: 2-5 turns for about 60% of them. */
function turnCount(rng: TRandom): number {
  return Math.min(14, 2 + Math.floor(-Math.log(Math.max(rng(), 1e-9)) * 3.5));
}

export function generateConversations(count: number, seed = 20261203): { conversations: TReplayConversation[]; replies: Map<string, string> } {
  const rng = mulberry32(seed);
  const replies = new Map<string, string>();
  const conversations: TReplayConversation[] = [];
  for (let c = 0; c < count; c += 1) {
    const turns: TReplayTurn[] = [];
    const total = turnCount(rng);
    let paste: string | null = null;
    for (let t = 0; t < total; t += 1) {
      let kind: TTurnKind = t === 0 && chance(rng, 0.45) ? "greeting" : t === total - 1 && chance(rng, 0.5) ? "thanks" : pickKind(rng);
      if (kind === "greeting" && t > 0) kind = "factual";
      let user: string;
      switch (kind) {
        case "greeting":
          user = pick(rng, GREETINGS);
          break;
        case "thanks":
          user = pick(rng, THANKS);
          break;
        case "factual":
          user = pick(rng, FACTUAL)(rng);
          break;
        case "how_to":
          user = pick(rng, HOW_TO)(rng);
          break;
        case "tool":
          user = pick(rng, TOOL)(rng);
          break;
        case "code":
          user = pick(rng, CODE)(rng);
          break;
        case "multi_step":
          user = pick(rng, MULTI_STEP)(rng);
          break;
        case "reasoning":
          user = pick(rng, REASONING)(rng);
          break;
        case "pasted_log": {
          const pasted = pastedMessage(rng, paste);
          user = pasted.text;
          paste = pasted.paste;
          break;
        }
      }
      const key = replyKey(user);
      let reply = replies.get(key);
      if (reply === undefined) {
        reply = replyText(rng, kind);
        replies.set(key, reply);
      }
      turns.push({ kind, user, reply });
    }
    conversations.push({ id: `c${String(c).padStart(4, "0")}`, turns });
  }
  return { conversations, replies };
}
