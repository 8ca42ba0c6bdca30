import type { ChatRequest } from './client.ts';
import type { ResolvedScenario } from './scenario.ts';

/** The chat request of call `i`: a short prompt, so no scenario is about token limits unless it says so. */
export function requestBody(s: ResolvedScenario, i: number): ChatRequest {
  return {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `Request ${i + 1}: reply with a short greeting.` }],
    max_tokens: 64,
    ...s.request,
  } as ChatRequest;
}
