// The fake LLM providers for one test file: started before its tests, closed after them,
// and every server's behaviour reset before each test (a failure set by one test never
// leaks into the next).
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startLlmServers, type TLlmServers, type TStartLlmServersOptions } from "./llm-servers";

export function fakeProvidersForFile(options: TStartLlmServersOptions = {}): TLlmServers {
  let started: TLlmServers | undefined;
  beforeAll(async () => {
    started = await startLlmServers(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started?.ollama.reset();
    started?.anthropic.reset();
    started?.openai.reset();
  });
  const servers = () => {
    if (!started) throw new Error("the fake providers are used outside a test (they start in beforeAll)");
    return started;
  };
  return {
    get ollama() {
      return servers().ollama;
    },
    get anthropic() {
      return servers().anthropic;
    },
    get openai() {
      return servers().openai;
    },
    get apiKey() {
      return servers().apiKey;
    },
    close: () => servers().close(),
  };
}
