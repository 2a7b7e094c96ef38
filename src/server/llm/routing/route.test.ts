import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_RULES, ZRoutingRules, type TRoutingRules } from "@/shared/routing-rules";
import type { TChatMessage } from "../provider";
import { LABELLED_MESSAGES, type TLabelledMessage } from "./labelled-messages";
import { chooseCheapModel, routeMessage, type TModelRef, type TPricedModel, type TRouteDecision, type TRouteInput } from "./route";

const CATALOGUE: TPricedModel[] = [
  { provider: "anthropic", model: "claude-sonnet", inputPer1M: "3", outputPer1M: "15" },
  { provider: "anthropic", model: "claude-haiku", inputPer1M: "0.8", outputPer1M: "4" },
  { provider: "anthropic", model: "claude-opus", inputPer1M: "15", outputPer1M: "75" },
  { provider: "openai", model: "gpt-4o", inputPer1M: "2.5", outputPer1M: "10" },
  { provider: "openai", model: "gpt-4o-mini", inputPer1M: "0.15", outputPer1M: "0.6" },
];
const SONNET: TModelRef = { provider: "anthropic", model: "claude-sonnet" };
const HAIKU: TModelRef = { provider: "anthropic", model: "claude-haiku" };
const ON: TRoutingRules = { ...DEFAULT_ROUTING_RULES, enabled: true };

function conversation(message: Pick<TLabelledMessage, "text" | "prior">): TChatMessage[] {
  return [{ role: "system", content: "You are the support assistant." }, ...(message.prior ?? []), { role: "user", content: message.text }];
}

function route(messages: TChatMessage[], overrides: Partial<TRouteInput> = {}): TRouteDecision {
  return routeMessage({ messages, rules: ON, clientRoutingEnabled: true, primary: SONNET, chain: [], catalogue: CATALOGUE, ...overrides });
}

function ask(text: string, overrides: Partial<TRouteInput> = {}) {
  return route([{ role: "user", content: text }], overrides);
}

/** Precision and recall of "simple -> cheap" over the labelled set. */
function score(rules: TRoutingRules, messages: readonly TLabelledMessage[] = LABELLED_MESSAGES) {
  const rows = messages.map((message) => ({ message, decision: route(conversation(message), { rules }) }));
  const truePositive = rows.filter(({ message, decision }) => message.label === "simple" && decision.route === "cheap").length;
  const falsePositive = rows.filter(({ message, decision }) => message.label === "complex" && decision.route === "cheap");
  const falseNegative = rows.filter(({ message, decision }) => message.label === "simple" && decision.route === "primary");
  return {
    rows,
    precision: truePositive / (truePositive + falsePositive.length),
    recall: truePositive / (truePositive + falseNegative.length),
    truePositive,
    falsePositive,
    falseNegative,
  };
}

describe("routing the labelled messages", () => {
  const simpleCount = LABELLED_MESSAGES.filter((message) => message.label === "simple").length;

  it("the set has at least 60 messages, simple and complex ones of every category", () => {
    expect(LABELLED_MESSAGES.length).toBeGreaterThanOrEqual(60);
    expect(simpleCount).toBeGreaterThanOrEqual(25);
    const categories = new Set(LABELLED_MESSAGES.map((message) => message.category).filter(Boolean));
    expect([...categories].sort()).toEqual(["code", "long", "multi_step", "reasoning", "tools"]);
    expect(LABELLED_MESSAGES.every((message) => (message.label === "complex") === (message.category !== undefined))).toBe(true);
  });

  it("sends simple messages cheap with precision >= 0.9 and recall >= 0.9 under the default rules, precision >= 0.75 on held-out messages (table printed)", () => {
    const withHowTo: TRoutingRules = { ...ON, cheapQuestionTypes: [...ON.cheapQuestionTypes, "how_to"] };
    const heldOut = LABELLED_MESSAGES.filter((message) => message.heldOut);
    const table = [
      { rules: "defaults", ...score(ON) },
      { rules: "defaults + how_to", ...score(withHowTo) },
      { rules: "defaults + other", ...score({ ...ON, cheapQuestionTypes: [...ON.cheapQuestionTypes, "other"] }) },
      { rules: "maxChars 80", ...score({ ...ON, maxChars: 80 }) },
      { rules: "maxChars 80, held", ...score({ ...ON, maxChars: 80 }, heldOut) },
      { rules: "held out 1", ...score(ON, heldOut.filter((message) => message.heldOut === 1)) },
      { rules: "held out 2", ...score(ON, heldOut.filter((message) => message.heldOut === 2)) },
      { rules: "held out 3", ...score(ON, heldOut.filter((message) => message.heldOut === 3)) },
    ];
    console.log(
      [
        `labelled messages: ${LABELLED_MESSAGES.length} (${simpleCount} simple, ${LABELLED_MESSAGES.length - simpleCount} complex; ${heldOut.length} held out)`,
        "rules               precision  recall  cheap ok  complex sent cheap  simple kept",
        ...table.map(
          (row) =>
            `${row.rules.padEnd(20)}${row.precision.toFixed(3).padEnd(11)}${row.recall.toFixed(3).padEnd(8)}${String(row.truePositive).padEnd(10)}` +
            `${String(row.falsePositive.length).padEnd(20)}${row.falseNegative.length}`,
        ),
        ...table.slice(0, 1).flatMap((row) => [
          ...row.falsePositive.map(({ message, decision }) => `  [${row.rules}] complex sent cheap: ${JSON.stringify(message.text)} (${decision.reason})`),
          ...row.falseNegative.map(({ message, decision }) => `  [${row.rules}] simple kept: ${JSON.stringify(message.text)} (${decision.reason})`),
        ]),
      ].join("\n"),
    );
    const defaults = table[0]!;
    expect(defaults.precision).toBeGreaterThanOrEqual(0.9);
    expect(defaults.recall).toBeGreaterThanOrEqual(0.9);
    const allHeldOut = score(ON, heldOut);
    console.log(`held out, all rounds, defaults: precision ${allHeldOut.precision.toFixed(3)}, recall ${allHeldOut.recall.toFixed(3)}`);
    expect(allHeldOut.precision).toBeGreaterThanOrEqual(0.75);
  });

  it("every message detected as needing tools stays on the primary model, and so does every tool message but the held-out leaks (printed)", () => {
    const leaks: string[] = [];
    for (const message of LABELLED_MESSAGES) {
      const decision = route(conversation(message));
      if (decision.features.needsTools) expect(decision.route).toBe("primary");
      if (message.category !== "tools" || decision.route === "primary") continue;
      if (message.heldOut) leaks.push(`  held out ${message.heldOut}: ${JSON.stringify(message.text)} (${decision.reason})`);
      else expect({ text: message.text, route: decision.route }).toEqual({ text: message.text, route: "primary" });
    }
    console.log([`tool messages sent cheap under the default rules: ${leaks.length}`, ...leaks].join("\n"));
  });

  it("the tool rules alone keep the tool messages they were written with, whatever the plan sends cheap (held-out misses printed)", () => {
    const permissive: TRoutingRules = { ...ON, maxChars: 100_000, maxDepth: 10_000, cheapQuestionTypes: ["greeting", "factual", "how_to", "reasoning", "code", "multi_step", "other"] };
    const missed: string[] = [];
    for (const message of LABELLED_MESSAGES.filter(({ category }) => category === "tools")) {
      const decision = route(conversation(message), { rules: permissive });
      if (message.heldOut) {
        if (decision.decidedBy !== "needs_tools") missed.push(`  held out ${message.heldOut}: ${JSON.stringify(message.text)} (${decision.reason})`);
        continue;
      }
      expect({ text: message.text, route: decision.route, decidedBy: decision.decidedBy }).toEqual({ text: message.text, route: "primary", decidedBy: "needs_tools" });
    }
    console.log([`tool messages no tool rule caught: ${missed.length}`, ...missed].join("\n"));
  });

  it("every reason is non-empty and names the feature that decided", () => {
    for (const message of LABELLED_MESSAGES) {
      const { reason, decidedBy, features } = route(conversation(message));
      expect(reason.length).toBeGreaterThan(0);
      const expected = {
        needs_tools: `needs tools (${features.toolIntent})`,
        too_long: `long (${features.chars} chars`,
        too_deep: `depth ${features.depth}`,
        question_type: `${features.questionType} question (${features.questionRule})`,
        simple: `simple: ${features.questionType}, ${features.chars} chars, depth ${features.depth}`,
      }[decidedBy as string];
      expect(expected, `${decidedBy} for ${JSON.stringify(message.text)}`).toBeDefined();
      expect(reason).toContain(expected);
    }
  });

  it("a complex message the rules were written with, kept by its question type, is kept for its own category", () => {
    const byType = { code: "code", multi_step: "multi_step", reasoning: "reasoning" } as const;
    for (const message of LABELLED_MESSAGES) {
      if (message.heldOut) continue;
      if (message.category !== "code" && message.category !== "multi_step" && message.category !== "reasoning") continue;
      const decision = route(conversation(message));
      if (decision.decidedBy === "question_type") expect(decision.features.questionType, message.text).toBe(byType[message.category]);
    }
  });
});

describe("the cheap target", () => {
  it("is the cheapest cheaper model of the primary's provider", () => {
    const decision = ask("Do you ship to Canada?");
    expect(decision).toMatchObject({ route: "cheap", target: HAIKU, decidedBy: "simple" });
    expect(decision.reason).toBe(`simple: factual, 22 chars, depth 1 -> anthropic/claude-haiku`);
  });

  it("compares blended prices as decimals, not floats or strings", () => {
    // As strings "10" < "9"; as floats 0.1 + 0.2 > 0.3. Blended: a = 0.3, b = 0.1 + 0.2 = 0.3 (equal, not cheaper), c = 9.9.
    const catalogue: TPricedModel[] = [
      { provider: "openai", model: "primary", inputPer1M: "0.1", outputPer1M: "0.2" },
      { provider: "openai", model: "same", inputPer1M: "0.2", outputPer1M: "0.1" },
      { provider: "openai", model: "pricier", inputPer1M: "10", outputPer1M: "0" },
    ];
    const primary: TModelRef = { provider: "openai", model: "primary" };
    expect(chooseCheapModel({ rules: ON, primary, chain: [], catalogue })).toBeUndefined();
    const cheaper = [...catalogue, { provider: "openai", model: "cheaper", inputPer1M: "0.1", outputPer1M: "0.1999999999" }];
    expect(chooseCheapModel({ rules: ON, primary, chain: [], catalogue: cheaper })).toEqual({ provider: "openai", model: "cheaper" });
  });

  it("falls back to the cheapest cheaper model of the fallback chain when the provider has none", () => {
    const primary = HAIKU;
    const chain = [
      { provider: "openai" as const, model: "gpt-4o" },
      { provider: "openai" as const, model: "gpt-4o-mini" },
    ];
    expect(ask("Is breakfast included?", { primary, chain })).toMatchObject({ route: "cheap", target: { provider: "openai", model: "gpt-4o-mini" } });
  });

  it("a model of another provider that is not in the chain is never chosen automatically", () => {
    expect(ask("Is breakfast included?", { primary: HAIKU, chain: [] })).toMatchObject({ route: "primary", target: HAIKU, decidedBy: "no_cheaper_model" });
  });

  it("an unpriced Ollama model in the chain costs nothing; an unpriced paid one is never chosen", () => {
    const chain = [
      { provider: "openai" as const, model: "gpt-unpriced" },
      { provider: "ollama" as const, model: "llama3.2" },
    ];
    expect(ask("Is breakfast included?", { primary: HAIKU, chain })).toMatchObject({ route: "cheap", target: { provider: "ollama", model: "llama3.2" } });
    expect(ask("Is breakfast included?", { primary: HAIKU, chain: chain.slice(0, 1) })).toMatchObject({ route: "primary", decidedBy: "no_cheaper_model" });
  });

  it("the plan's explicit cheapModel wins when it is priced and cheaper than the primary", () => {
    const rules: TRoutingRules = { ...ON, cheapModel: { provider: "openai", model: "gpt-4o" } };
    expect(ask("What time is check-in?", { rules })).toMatchObject({ route: "cheap", target: { provider: "openai", model: "gpt-4o" } });
  });

  it("an explicit cheapModel without a price, or not cheaper, gives way to the automatic choice", () => {
    const unpriced: TRoutingRules = { ...ON, cheapModel: { provider: "openai", model: "gpt-unpriced" } };
    expect(ask("What time is check-in?", { rules: unpriced }).target).toEqual(HAIKU);
    const pricier: TRoutingRules = { ...ON, cheapModel: { provider: "anthropic", model: "claude-opus" } };
    expect(ask("What time is check-in?", { rules: pricier }).target).toEqual(HAIKU);
  });

  it("nothing cheaper than the primary keeps a simple message there, and says so", () => {
    const primary: TModelRef = { provider: "openai", model: "gpt-4o-mini" };
    const decision = ask("Do you ship to Canada?", { primary, chain: [SONNET, HAIKU] });
    expect(decision).toMatchObject({ route: "primary", target: primary, decidedBy: "no_cheaper_model" });
    expect(decision.reason).toBe("kept: no cheaper model (simple: factual, 22 chars, depth 1)");
  });

  it("a primary without a price keeps every message: nothing can be shown to be cheaper", () => {
    const primary: TModelRef = { provider: "openai", model: "gpt-unpriced" };
    expect(ask("Hi!", { primary, chain: [HAIKU] })).toMatchObject({ route: "primary", decidedBy: "no_cheaper_model" });
  });

  it("routing disabled for the plan keeps every message (the default)", () => {
    const decision = ask("Hi!", { rules: DEFAULT_ROUTING_RULES });
    expect(DEFAULT_ROUTING_RULES.enabled).toBe(false);
    expect(decision).toMatchObject({ route: "primary", target: SONNET, decidedBy: "plan_disabled", reason: "kept: routing disabled for the plan" });
  });

  it("a client that switched routing off keeps every message", () => {
    expect(ask("Hi!", { clientRoutingEnabled: false })).toMatchObject({
      route: "primary",
      target: SONNET,
      decidedBy: "client_disabled",
      reason: "kept: routing switched off for the client",
    });
  });

  it("a long message, a deep conversation and a question type the plan keeps stay on the primary model", () => {
    expect(ask("Is breakfast included?", { rules: { ...ON, maxChars: 10 } })).toMatchObject({ decidedBy: "too_long", reason: "kept: long (22 chars > 10)" });
    const deep: TChatMessage[] = Array.from({ length: 7 }, (_, i) => [
      { role: "user" as const, content: `question ${i}` },
      { role: "assistant" as const, content: "answer" },
    ]).flat();
    expect(route([...deep, { role: "user", content: "And on weekends?" }])).toMatchObject({ decidedBy: "too_deep", reason: "kept: deep conversation (depth 8 > 6)" });
    expect(ask("How do I reset my password?")).toMatchObject({ decidedBy: "question_type", reason: "kept: how_to question (how to)" });
    expect(ask("How do I reset my password?", { rules: { ...ON, cheapQuestionTypes: ["how_to"] } })).toMatchObject({ route: "cheap" });
  });
});

describe("routing rules schema", () => {
  it("defaults: off, 280 characters, depth 6, greetings and facts, tools never cheap", () => {
    expect(ZRoutingRules.parse({})).toEqual({ enabled: false, maxChars: 280, maxDepth: 6, cheapQuestionTypes: ["greeting", "factual"], neverWhenTools: true });
  });

  it("refuses sending tool messages cheap, unknown question types, repeats and unknown providers", () => {
    expect(ZRoutingRules.safeParse({ neverWhenTools: false }).success).toBe(false);
    expect(ZRoutingRules.safeParse({ cheapQuestionTypes: ["chitchat"] }).success).toBe(false);
    expect(ZRoutingRules.safeParse({ cheapQuestionTypes: ["factual", "factual"] }).success).toBe(false);
    expect(ZRoutingRules.safeParse({ cheapModel: { provider: "mistral", model: "small" } }).success).toBe(false);
    expect(ZRoutingRules.safeParse({ maxChars: 0 }).success).toBe(false);
  });

  it("the default question types are a fresh array per parse", () => {
    const first = ZRoutingRules.parse({});
    first.cheapQuestionTypes.push("code");
    expect(ZRoutingRules.parse({}).cheapQuestionTypes).toEqual(["greeting", "factual"]);
  });
});
