// A local stand-in for the few Stripe API endpoints the Stripe provider uses, close enough
// to the wire protocol for the official SDK: form-encoded request bodies (nested keys like
// metadata[invoiceId]), Bearer secret-key auth, JSON objects shaped like Stripe's, and
// Stripe's error envelope { error: { type, code, message, payment_intent? } }.
//   POST /v1/payment_intents              (confirm=true charges at once)
//   POST /v1/payment_intents/:id/confirm
//   GET  /v1/payment_intents/:id, GET /v1/payment_intents/search?query=metadata['k']:'v'
//   POST /v1/refunds, GET /v1/refunds?payment_intent=
//   GET  /v1/customers/:id, GET /v1/payment_methods/:id  (createCustomer() makes them)
// Test cards, as at Stripe: payment_method "pm_card_visa" succeeds, "pm_card_chargeDeclined"
// is declined (402 card_error), "pm_card_processing" leaves the intent processing.
// A POST with an Idempotency-Key seen before gets the first answer again, as at Stripe.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

type TIntent = {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  customer: string | null;
  last_payment_error: { code: string; message: string } | null;
  created: number;
  livemode: false;
};

type TRefund = {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  status: string;
  payment_intent: string;
  metadata: Record<string, string>;
  created: number;
};

export type TStripeServer = {
  /** Give this to STRIPE_API_BASE. */
  readonly url: string;
  readonly secretKey: string;
  readonly intents: ReadonlyMap<string, TIntent>;
  readonly refunds: ReadonlyMap<string, TRefund>;
  /** Requests by "METHOD path", for assertions. */
  readonly requests: string[];
  /**
   * Holds the next request before it is handled: `arrived` resolves when it is held,
   * `release()` lets it through. For tests of what happens while a charge is in flight.
   */
  holdNextRequest(): { arrived: Promise<void>; release(): void };
  /** The next `count` requests are handled (the charge happens) but the answer is lost: the connection is cut. */
  dropAnswers(count: number): void;
  /**
   * A customer with a saved card (as Stripe's dashboard or Checkout would make one): the
   * card charges like the test card named (default pm_card_visa), and only with its
   * customer named, as at Stripe.
   */
  createCustomer(options?: { card?: "pm_card_visa" | "pm_card_chargeDeclined"; last4?: string }): { customerId: string; paymentMethodId: string };
  /** The next refund is accepted but not final (as for some payment methods): status "pending". */
  leaveNextRefundPending(): void;
  close(): Promise<void>;
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding: a[b]=c becomes { a: { b: "c" } } (one level is all we need). */
function parseForm(body: string): Record<string, string | Record<string, string>> {
  const out: Record<string, string | Record<string, string>> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const nested = /^([^[]+)\[([^\]]+)\]$/.exec(key);
    if (nested) {
      const [, outer, inner] = nested as unknown as [string, string, string];
      const target = (typeof out[outer] === "object" ? out[outer] : (out[outer] = {})) as Record<string, string>;
      target[inner] = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
  res.end(JSON.stringify(body));
}

function stripeError(res: http.ServerResponse, status: number, error: Record<string, unknown>): void {
  send(res, status, { error });
}

export async function startStripeServer(options: { secretKey?: string; port?: number } = {}): Promise<TStripeServer> {
  const secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString("hex")}`;
  const intents = new Map<string, TIntent>();
  const refunds = new Map<string, TRefund>();
  const requests: string[] = [];
  const customers = new Set<string>();
  /** Saved cards: id -> the customer it is saved on, the test card it behaves as, its last 4 digits. */
  const savedCards = new Map<string, { customer: string; behavesAs: string; last4: string }>();

  /** Confirms with a test payment method; answers 402 on a decline, like Stripe. */
  function confirm(res: http.ServerResponse, intent: TIntent, paymentMethod: string | undefined): void {
    intent.payment_method = paymentMethod ?? intent.payment_method;
    if (!intent.payment_method) {
      return stripeError(res, 400, { type: "invalid_request_error", code: "payment_intent_unexpected_state", message: "You must provide a payment method." });
    }
    const saved = savedCards.get(intent.payment_method);
    if (saved && intent.customer !== saved.customer) {
      return stripeError(res, 400, {
        type: "invalid_request_error",
        code: "parameter_missing",
        param: "customer",
        message: "The provided PaymentMethod belongs to a Customer, so you must also provide the `customer` parameter.",
      });
    }
    const behavesAs = saved?.behavesAs ?? intent.payment_method;
    if (behavesAs === "pm_card_chargeDeclined") {
      intent.status = "requires_payment_method";
      intent.last_payment_error = { code: "card_declined", message: "Your card was declined." };
      return stripeError(res, 402, { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined.", payment_intent: intent });
    }
    if (behavesAs === "pm_card_processing") {
      intent.status = "processing";
    } else {
      intent.status = "succeeded";
      intent.amount_received = intent.amount;
    }
    intent.last_payment_error = null;
    send(res, 200, intent);
  }

  function route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    requests.push(`${req.method} ${path}`);
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return stripeError(res, 401, { type: "invalid_request_error", message: "Invalid API Key provided." });
    }
    const form = parseForm(body);
    const str = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : undefined);
    const metadata = (typeof form.metadata === "object" ? form.metadata : {}) as Record<string, string>;

    if (req.method === "POST" && path === "/v1/payment_intents") {
      const amount = Number(str("amount"));
      if (!Number.isInteger(amount) || amount < 1 || !str("currency")) {
        return stripeError(res, 400, { type: "invalid_request_error", code: "parameter_invalid_integer", param: "amount", message: "Invalid integer amount." });
      }
      const intent: TIntent = {
        id: id("pi"),
        object: "payment_intent",
        amount,
        amount_received: 0,
        currency: str("currency")!,
        status: str("payment_method") ? "requires_confirmation" : "requires_payment_method",
        client_secret: "",
        description: str("description") ?? null,
        metadata,
        payment_method: str("payment_method") ?? null,
        customer: str("customer") ?? null,
        last_payment_error: null,
        created: now(),
        livemode: false,
      };
      intent.client_secret = `${intent.id}_secret_${randomBytes(8).toString("hex")}`;
      intents.set(intent.id, intent);
      if (str("confirm") === "true") return confirm(res, intent, str("payment_method"));
      return send(res, 200, intent);
    }
    const customer = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (req.method === "GET" && customer) {
      if (!customers.has(customer[1]!)) return stripeError(res, 404, { type: "invalid_request_error", code: "resource_missing", param: "id", message: `No such customer: '${customer[1]}'` });
      return send(res, 200, { id: customer[1], object: "customer", livemode: false });
    }
    const method = /^\/v1\/payment_methods\/([^/]+)$/.exec(path);
    if (req.method === "GET" && method) {
      const card = savedCards.get(method[1]!);
      if (!card) return stripeError(res, 404, { type: "invalid_request_error", code: "resource_missing", param: "payment_method", message: `No such PaymentMethod: '${method[1]}'` });
      return send(res, 200, {
        id: method[1],
        object: "payment_method",
        type: "card",
        card: { brand: "visa", last4: card.last4, exp_month: 12, exp_year: 2030 },
        customer: card.customer,
        livemode: false,
      });
    }
    if (req.method === "GET" && path === "/v1/payment_intents/search") {
      // The one query the provider makes: metadata['key']:'value'.
      const query = new URL(req.url ?? "/", "http://stripe.local").searchParams.get("query") ?? "";
      const term = /^metadata\['([^']+)'\]:'([^']*)'$/.exec(query);
      if (!term) return stripeError(res, 400, { type: "invalid_request_error", code: "parameter_invalid_string", param: "query", message: `Unsupported search query: ${query}` });
      const data = [...intents.values()].filter((intent) => intent.metadata[term[1]!] === term[2]);
      return send(res, 200, { object: "search_result", data, has_more: false, next_page: null, url: "/v1/payment_intents/search" });
    }
    const match = /^\/v1\/payment_intents\/([^/]+)(\/confirm)?$/.exec(path);
    if (match) {
      const intent = intents.get(match[1]!);
      if (!intent) return stripeError(res, 404, { type: "invalid_request_error", code: "resource_missing", message: `No such payment_intent: '${match[1]}'` });
      if (req.method === "GET" && !match[2]) return send(res, 200, intent);
      if (req.method === "POST" && match[2]) return confirm(res, intent, str("payment_method"));
    }
    if (req.method === "GET" && path === "/v1/refunds") {
      const intentId = new URL(req.url ?? "/", "http://stripe.local").searchParams.get("payment_intent");
      const data = [...refunds.values()].filter((refund) => !intentId || refund.payment_intent === intentId);
      return send(res, 200, { object: "list", data, has_more: false, url: "/v1/refunds" });
    }
    if (req.method === "POST" && path === "/v1/refunds") {
      const intent = intents.get(str("payment_intent") ?? "");
      if (!intent) return stripeError(res, 404, { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent." });
      const already = [...refunds.values()].filter((r) => r.payment_intent === intent.id && r.status !== "failed").reduce((sum, r) => sum + r.amount, 0);
      const amount = str("amount") ? Number(str("amount")) : intent.amount_received - already;
      if (intent.status !== "succeeded" || amount > intent.amount_received - already) {
        return stripeError(res, 400, { type: "invalid_request_error", code: "charge_already_refunded", message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${intent.amount_received - already}).` });
      }
      const refund: TRefund = { id: id("re"), object: "refund", amount, currency: intent.currency, status: nextRefundPending ? "pending" : "succeeded", payment_intent: intent.id, metadata, created: now() };
      nextRefundPending = false;
      refunds.set(refund.id, refund);
      return send(res, 200, refund);
    }
    stripeError(res, 404, { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${path}).` });
  }

  // Stripe replays the first answer to a POST with an Idempotency-Key it has seen (24 h).
  const answered = new Map<string, { status: number; body: string }>();
  let hold: { arrived: () => void; released: Promise<void> } | null = null;
  let answersToDrop = 0;
  let nextRefundPending = false;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    if (hold) {
      const { arrived, released } = hold;
      hold = null;
      arrived();
      await released;
    }
    const idempotencyKey = req.method === "POST" ? req.headers["idempotency-key"] : undefined;
    const key = typeof idempotencyKey === "string" ? `${req.headers.authorization} ${idempotencyKey}` : null;
    let answer = key ? answered.get(key) : undefined;
    if (answer) {
      requests.push(`${req.method} ${(req.url ?? "/").split("?")[0]} (idempotent replay)`);
    } else {
      // Capture the answer (to replay it, or to lose it) instead of writing it at once.
      const captured = { status: 200, body: "" };
      const capture = {
        writeHead: (code: number) => {
          captured.status = code;
          return capture;
        },
        end: (text: string) => {
          captured.body = text;
        },
      } as unknown as http.ServerResponse;
      route(req, capture, body);
      if (key) answered.set(key, captured);
      answer = captured;
    }
    if (answersToDrop > 0) {
      answersToDrop -= 1;
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { "content-type": "application/json", "request-id": id("req") });
    res.end(answer.body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => void handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    intents,
    refunds,
    requests,
    holdNextRequest: () => {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      hold = { arrived, released: new Promise<void>((resolve) => (release = resolve)) };
      return { arrived: arrival, release };
    },
    dropAnswers: (count) => {
      answersToDrop = count;
    },
    leaveNextRefundPending: () => {
      nextRefundPending = true;
    },
    createCustomer: (options = {}) => {
      const customerId = id("cus");
      const paymentMethodId = id("pm");
      customers.add(customerId);
      savedCards.set(paymentMethodId, { customer: customerId, behavesAs: options.card ?? "pm_card_visa", last4: options.last4 ?? "4242" });
      return { customerId, paymentMethodId };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
