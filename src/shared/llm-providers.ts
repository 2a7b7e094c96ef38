// The LLM providers a plan or a client may name. Its own module so that plan-config and
// the routing rules it holds can both import it without a cycle.
import { z } from "zod";

export const LLM_PROVIDERS = ["ollama", "anthropic", "openai"] as const;
export const ZLlmProvider = z.enum(LLM_PROVIDERS);
export type TLlmProvider = z.infer<typeof ZLlmProvider>;
