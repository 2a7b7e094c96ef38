// Replays 1,000 synthetic support conversations (bench/replay-conversations.ts) turn by
// turn through planPrompt and the real SDK providers against the local fake servers, which
// bill real token counts (tests/support/llm-servers.ts, usage "tokenizer"). Each
// conversation runs once as the chat path did before optimization (the last 20 messages,
// nothing else) and once per optimized setting: everything on, and each step alone
// (compression, budget, routing), on OpenAI (gpt-4o, cheaper gpt-4o-mini), Anthropic
// (claude-sonnet-5-5, cheaper claude-haiku-4-5) and Ollama (llama3.2, free: token counts only).
//
// planPrompt's CPU is measured apart, in child processes (`--cpu-child <provider>`): one
// planPrompt per turn, sequential, nothing else running in that process, after a warm-up
// on other conversations, with the tokenizers' count cache cold for the measured ones as a
// fresh process would have it. `--breakdown` times the steps of a copy of planPrompt.
//
//   npx tsx bench/replay-optimization.ts [--conversations 1000] [--concurrency 8] [--no-write]
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Decimal from "decimal.js";
import { createLlmGateway, MAX_OUTPUT_TOKENS } from "@/server/chat/send-chat-message";
import { chatWithFallback } from "@/server/llm/fallback";
import type { TLlmProviderName } from "@/server/llm/provider";
import { routeMessage, type TRouteDecider } from "@/server/llm/routing/route";
import { costOfCall } from "@/server/usage/cost-of-call";
import { startLlmServers } from "../tests/support/llm-servers";
import { generateConversations, replyKey, type TReplayConversation } from "./replay-conversations";
import { CONFIGS, cpuChild, planInput, planOrRefuse, PRICES, SETUPS, storedAt, type TConfigName, type TCpuResult, type TReplayStored } from "./replay-plans";
import { BENCH, ROOT } from "./support";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const OPTIONS = {
  conversations: flag("--conversations", 1000),
  concurrency: flag("--concurrency", 8),
  write: !args.includes("--no-write"),
};
type TRunStats = {
  messages: number;
  answered: number;
  refused: number;
  /** Baseline cost of the turns this run refused (same conversation and turn). */
  refusedBaselineCost: Decimal;
  tokensBefore: number;
  tokensAfter: number;
  reportedInput: number;
  reportedOutput: number;
  cost: Decimal;
  cheap: number;
  dropped: number;
  decidedBy: Map<TRouteDecider, number>;
  /** |ours - reported| / reported, per answered call. */
  tokenErrors: number[];
  replyMismatches: number;
  /** The generator's kind of each answered message: [routed cheap, answered]. */
  byKind: Map<string, [number, number]>;
};

const newStats = (): TRunStats => ({
  messages: 0,
  answered: 0,
  refused: 0,
  refusedBaselineCost: new Decimal(0),
  tokensBefore: 0,
  tokensAfter: 0,
  reportedInput: 0,
  reportedOutput: 0,
  cost: new Decimal(0),
  cheap: 0,
  dropped: 0,
  decidedBy: new Map(),
  tokenErrors: [],
  replyMismatches: 0,
  byKind: new Map(),
});

async function main(): Promise<void> {
  const cpuIndex = args.indexOf("--cpu-child");
  if (cpuIndex >= 0) {
    const result = await cpuChild(args[cpuIndex + 1] as TLlmProviderName, OPTIONS.conversations, args.includes("--breakdown"));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const startedAt = new Date();
  const { conversations, replies } = generateConversations(OPTIONS.conversations);
  let missingReplies = 0;
  const servers = await startLlmServers({
    usage: "tokenizer",
    replyText: (messages) => {
      const last = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
      const reply = replies.get(replyKey(last));
      if (reply === undefined) missingReplies += 1;
      return reply ?? "(no reply found for this message)";
    },
  });
  const gateway = createLlmGateway({
    ollamaBaseUrl: servers.ollama.url,
    anthropicBaseUrl: servers.anthropic.url,
    anthropicApiKey: servers.apiKey,
    openaiBaseUrl: servers.openai.url,
    openaiApiKey: servers.apiKey,
    timeoutMs: 30_000,
  });

  const results = new Map<string, TRunStats>();
  const baselineTurnCost = new Map<string, Decimal>();
  try {
    for (const setup of SETUPS) {
      const configs: TConfigName[] = setup.cheap ? ["baseline", "optimized", "compression", "budget", "routing"] : ["baseline", "optimized"];
      for (const config of configs) {
        const started = performance.now();
        const stats = newStats();
        const replayOne = async (conversation: TReplayConversation) => {
          const stored: TReplayStored[] = [];
          for (const [index, turn] of conversation.turns.entries()) {
            stats.messages += 1;
            const input = planInput(setup, config, stored, turn.user);
            const plan = await planOrRefuse(input);
            const turnKey = `${setup.provider}:${conversation.id}:${index}`;
            if (!plan) {
              stats.refused += 1;
              stats.refusedBaselineCost = stats.refusedBaselineCost.plus(baselineTurnCost.get(turnKey) ?? 0);
              continue;
            }
            if (input.optimization.routing.enabled) {
              const decision = routeMessage({
                messages: [...input.history, { role: "user", content: turn.user }],
                rules: input.optimization.routing,
                clientRoutingEnabled: input.routingEnabled,
                primary: input.primary,
                chain: input.fallbacks,
                catalogue: input.catalogue,
              });
              stats.decidedBy.set(decision.decidedBy, (stats.decidedBy.get(decision.decidedBy) ?? 0) + 1);
            }
            const chain = plan.chain.map(({ provider, model }) => ({ provider: gateway.provider(provider), model }));
            const served = await chatWithFallback(chain, { messages: plan.messages, maxOutputTokens: MAX_OUTPUT_TOKENS });
            const { usage } = served.result;
            const cost = costOfCall(PRICES.get(`${served.provider}/${served.model}`) ?? null, usage);
            if (config === "baseline") baselineTurnCost.set(turnKey, cost);
            stats.answered += 1;
            stats.tokensBefore += plan.promptTokensBefore;
            stats.tokensAfter += plan.promptTokensAfter;
            stats.reportedInput += usage.inputTokens;
            stats.reportedOutput += usage.outputTokens;
            stats.cost = stats.cost.plus(cost);
            stats.dropped += plan.dropped;
            if (plan.route === "cheap") stats.cheap += 1;
            const kind = stats.byKind.get(turn.kind) ?? [0, 0];
            stats.byKind.set(turn.kind, [kind[0] + (plan.route === "cheap" ? 1 : 0), kind[1] + 1]);
            stats.tokenErrors.push(Math.abs(plan.promptTokensAfter - usage.inputTokens) / usage.inputTokens);
            if (served.result.text !== turn.reply) stats.replyMismatches += 1;
            // As settleChat stores the exchange: the user's message as typed, the reply as answered.
            stored.push({ role: "user", content: turn.user, at: storedAt(stored.length) }, { role: "assistant", content: served.result.text, at: storedAt(stored.length + 1) });
          }
        };
        let next = 0;
        await Promise.all(
          Array.from({ length: OPTIONS.concurrency }, async () => {
            while (next < conversations.length) await replayOne(conversations[next++]!);
          }),
        );
        results.set(`${setup.provider}:${config}`, stats);
        console.log(
          `${setup.provider.padEnd(9)} ${config.padEnd(11)} ${stats.answered} answered, ${stats.refused} refused, ${stats.reportedInput} input tokens, $${stats.cost.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
        );
      }
    }
  } finally {
    await servers.close();
  }

  const cpu: Record<string, TCpuResult> = {};
  for (const setup of SETUPS) {
    cpu[setup.provider] = await runCpuChild(setup.provider, false);
    console.log(`cpu ${setup.provider}: p50 ${cpu[setup.provider]!.wall.p50.toFixed(3)} ms wall`);
  }
  const breakdown = await runCpuChild("openai", true);

  const markdown = report({ startedAt, conversations, results, cpu, breakdown, missingReplies, code: codeVersion() });
  console.log(`\n${markdown}`);
  if (OPTIONS.write) {
    await writeResults(markdown);
    console.log("\nwrote bench/RESULTS.md");
  }
}

/** The commit measured, and whether the files planPrompt runs had uncommitted changes (others edit the same tree). */
function codeVersion(): string {
  const git = (...gitArgs: string[]) => execFileSync("git", gitArgs, { cwd: ROOT, encoding: "utf8" });
  const dirty = git("status", "--porcelain", "--", "src/server/chat", "src/server/llm", "src/shared")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.slice(3));
  const head = git("rev-parse", "--short", "HEAD").trim();
  return `commit ${head}${dirty.length > 0 ? `, with uncommitted changes (other people's work in progress) in ${dirty.join(", ")}` : ", src/server/chat, src/server/llm and src/shared as committed"}`;
}

function runCpuChild(provider: TLlmProviderName, breakdown: boolean): Promise<TCpuResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(BENCH, "replay-optimization.ts"), "--cpu-child", provider, "--conversations", String(OPTIONS.conversations), ...(breakdown ? ["--breakdown"] : [])],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (data: Buffer) => (out += data.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`cpu child ${provider} exited with ${code}`));
      const line = out.trim().split("\n").pop() ?? "";
      resolve(JSON.parse(line) as TCpuResult);
    });
  });
}

// ---------------------------------------------------------------------------------------
// Report

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (part: number, whole: number) => (whole === 0 ? "–" : `${((part * 100) / whole).toFixed(1)}%`);
const usd = (d: Decimal) => `$${d.toFixed(4)}`;
const ms = (n: number) => n.toFixed(3);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function report(input: {
  startedAt: Date;
  conversations: TReplayConversation[];
  results: Map<string, TRunStats>;
  cpu: Record<string, TCpuResult>;
  breakdown: TCpuResult;
  missingReplies: number;
  code: string;
}): string {
  const { results, cpu, breakdown, conversations } = input;
  const turns = conversations.reduce((sum, c) => sum + c.turns.length, 0);
  const kinds = new Map<string, number>();
  for (const c of conversations) for (const t of c.turns) kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
  const cpus = os.cpus();
  const lines: string[] = [
    `Generated by \`npx tsx bench/replay-optimization.ts\` on ${input.startedAt.toISOString()}.`,
    "",
    `- Code: ${input.code}`,
    `- Machine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, Linux ${os.release()}, Node ${process.version}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    `- ${int(conversations.length)} conversations, ${int(turns)} user messages (${[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}); replayed per provider and setting with ${OPTIONS.concurrency} conversations at a time through createProvider's SDK providers and chatWithFallback; the fake servers bill real token counts (usage "tokenizer"). Replies missing from the generator's map: ${input.missingReplies}.`,
    "",
  ];
  for (const setup of SETUPS) {
    const base = results.get(`${setup.provider}:baseline`)!;
    const configs: TConfigName[] = setup.cheap ? ["baseline", "optimized", "compression", "budget", "routing"] : ["baseline", "optimized"];
    lines.push(`#### ${setup.provider}: ${setup.primary}${setup.cheap ? `, cheaper ${setup.cheap}` : " (no price: cost 0)"}`, "");
    lines.push(
      table(
        ["setting", "messages", "answered", "refused (413)", "prompt tokens sent (reported)", "vs before", "output tokens", "cost USD", "vs before", "of it refused turns", "routed cheap", "messages dropped by budget"],
        configs.map((config) => {
          const s = results.get(`${setup.provider}:${config}`)!;
          return [
            CONFIGS[config].label,
            int(s.messages),
            int(s.answered),
            int(s.refused),
            int(s.reportedInput),
            config === "baseline" ? "–" : `−${pct(base.reportedInput - s.reportedInput, base.reportedInput)}`,
            int(s.reportedOutput),
            usd(s.cost),
            config === "baseline" || base.cost.isZero() ? "–" : `−${pct(base.cost.minus(s.cost).toNumber(), base.cost.toNumber())}`,
            config === "baseline" ? "–" : usd(s.refusedBaselineCost),
            config === "baseline" ? "–" : `${int(s.cheap)} (${pct(s.cheap, s.answered)})`,
            int(s.dropped),
          ];
        }),
      ),
      "",
    );
    const optimized = results.get(`${setup.provider}:optimized`)!;
    if (optimized.decidedBy.size > 0) {
      const decided = [...optimized.decidedBy].sort((a, b) => b[1] - a[1]);
      lines.push(`Routing decisions, all steps on (decidedBy): ${decided.map(([k, n]) => `${k} ${int(n)} (${pct(n, optimized.answered)})`).join(", ")}.`, "");
      const kinds = [...optimized.byKind].sort((a, b) => b[1][0] / b[1][1] - a[1][0] / a[1][1]);
      lines.push(`Routed cheap by the generator's kind of message: ${kinds.map(([k, [cheap, all]]) => `${k} ${int(cheap)}/${int(all)} (${pct(cheap, all)})`).join(", ")}.`, "");
    }
  }

  lines.push("#### Our token count against the provider's (planPrompt's promptTokensAfter vs reported input tokens, answered calls)", "");
  const errorRows: string[][] = [];
  for (const setup of SETUPS) {
    for (const config of ["baseline", "optimized"] as const) {
      const s = results.get(`${setup.provider}:${config}`)!;
      const sorted = [...s.tokenErrors].sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
      errorRows.push([
        setup.provider,
        config,
        int(sorted.length),
        `${(mean * 100).toFixed(2)}%`,
        `${(percentile(sorted, 95) * 100).toFixed(2)}%`,
        `${(sorted[sorted.length - 1]! * 100).toFixed(2)}%`,
        `${int(s.tokensAfter)} / ${int(s.reportedInput)} (${s.tokensAfter >= s.reportedInput ? "+" : "−"}${pct(Math.abs(s.tokensAfter - s.reportedInput), s.reportedInput)})`,
        String(s.replyMismatches),
      ]);
    }
  }
  lines.push(table(["provider", "setting", "calls", "mean abs error", "p95", "max", "ours / reported (sum)", "replies not as generated"], errorRows), "");

  lines.push("#### planPrompt CPU per request (child process per provider, sequential, after a warm-up on 200 other conversations)", "");
  lines.push(
    table(
      ["provider (all steps on)", "calls", "wall p50 ms", "wall p95 ms", "wall mean ms", "CPU p50 ms", "CPU p95 ms", "CPU p99 ms", "CPU mean ms", "CPU p50 < 0.3 ms"],
      SETUPS.map((setup) => {
        const c = cpu[setup.provider]!;
        return [setup.provider, int(c.calls), ms(c.wall.p50), ms(c.wall.p95), ms(c.wall.mean), ms(c.cpu.p50), ms(c.cpu.p95), ms(c.cpu.p99), ms(c.cpu.mean), c.cpu.p50 < 0.3 ? "met" : "**missed**"];
      }),
    ),
    "",
  );
  lines.push(
    `Where the time goes (openai, all steps on): a copy of planPrompt with a CPU timer (process.cpuUsage) around each step, same calls, order and cache state; ms per request, p50 / mean / p95 / p99:`,
    "",
    table(
      ["step", "p50", "mean", "p95", "p99"],
      [...breakdown.steps!, { name: "the copy's total", ...breakdown.wall }].map((step) => [step.name, ms(step.p50), ms(step.mean), ms(step.p95), ms(step.p99)]),
    ),
    "",
    "Parts timed apart after each plan (what a proposed change would leave; no cache involved):",
    "",
    table(
      ["part", "p50", "mean", "p95", "p99"],
      breakdown.parts!.map((part) => [part.name, ms(part.p50), ms(part.mean), ms(part.p95), ms(part.p99)]),
    ),
    "",
  );
  return lines.join("\n");
}

const BEGIN = "<!-- bench:replay-optimization:begin -->";
const END = "<!-- bench:replay-optimization:end -->";

/** Replaces the generated part of its section in bench/RESULTS.md, keeping the hand-written text around it. */
async function writeResults(generated: string): Promise<void> {
  const file = path.join(BENCH, "RESULTS.md");
  const section = `${BEGIN}\n${generated}\n${END}`;
  const existing = existsSync(file) ? await readFile(file, "utf8") : "";
  const start = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  const next =
    start >= 0 && end > start
      ? existing.slice(0, start) + section + existing.slice(end + END.length)
      : `${existing.trimEnd()}\n\n## LLM cost optimization: replay of 1,000 conversations (generated)\n\n${section}\n`;
  await writeFile(file, next);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
