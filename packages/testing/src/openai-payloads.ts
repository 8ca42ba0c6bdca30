import { randomBytes } from 'node:crypto';

/** What a generated answer looks like, shared by JSON and SSE renderings. */
export interface Answer {
  id: string;
  model: string;
  created: number;
  words: string[];
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
}

const WORDS = [
  'Chaos',
  ' is',
  ' a',
  ' ladder',
  ',',
  ' and',
  ' this',
  ' server',
  ' climbs',
  ' it',
  ' one',
  ' token',
  ' at',
  ' a',
  ' time',
  '.',
];

/** A random id with OpenAI's prefix, e.g. `chatcmpl-…`, `resp_…`, `req_…`. */
export function openaiId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

/**
 * A deterministic small completion: 5..15 tokens depending on the prompt size, never more than
 * the output limit, so a client limiter can reconcile its estimate against `usage`.
 */
export function makeAnswer(
  prefix: string,
  model: string,
  promptTokens: number,
  maxOutput: number | undefined,
): Answer {
  const natural = 5 + (promptTokens % 11);
  const completionTokens = maxOutput === undefined ? natural : Math.min(maxOutput, natural);
  const words = Array.from({ length: completionTokens }, (_, i) => WORDS[i % WORDS.length] ?? '');
  return {
    id: openaiId(prefix),
    model,
    created: Math.floor(Date.now() / 1000),
    words,
    promptTokens,
    completionTokens,
    finishReason:
      maxOutput !== undefined && completionTokens >= maxOutput && completionTokens < natural
        ? 'length'
        : 'stop',
  };
}

function chatUsage(a: Answer) {
  return {
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    total_tokens: a.promptTokens + a.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** `POST /v1/chat/completions` without streaming. */
export function chatCompletion(a: Answer) {
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: a.words.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: a.finishReason,
      },
    ],
    usage: chatUsage(a),
    service_tier: 'default',
    system_fingerprint: 'fp_chaos',
  };
}

/** The `data:` payloads of a streamed chat completion, without the final `[DONE]`. */
export function chatCompletionChunks(a: Answer, includeUsage: boolean): object[] {
  const chunk = (delta: object, finish: string | null) => ({
    id: a.id,
    object: 'chat.completion.chunk',
    created: a.created,
    model: a.model,
    service_tier: 'default',
    system_fingerprint: 'fp_chaos',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks: object[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const word of a.words) chunks.push(chunk({ content: word }, null));
  chunks.push(chunk({}, a.finishReason));
  if (includeUsage) {
    chunks.push({ ...chunk({}, null), choices: [], usage: chatUsage(a) });
  }
  return chunks;
}

/** `POST /v1/embeddings`: one deterministic unit vector per input, as floats or base64 float32. */
export function embeddingResponse(input: {
  inputs: string[];
  model: string;
  dimensions: number;
  base64: boolean;
  promptTokens: number;
}) {
  return {
    object: 'list',
    data: input.inputs.map((text, index) => {
      const vector = vectorOf(text, input.dimensions);
      return {
        object: 'embedding',
        index,
        embedding: input.base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      };
    }),
    model: input.model,
    usage: { prompt_tokens: input.promptTokens, total_tokens: input.promptTokens },
  };
}

function vectorOf(text: string, dimensions: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const raw = Array.from({ length: dimensions }, (_, i) => Math.sin(h + i * 1.618));
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** `POST /v1/responses`: a completed response with one assistant message. */
export function responseObject(
  a: Answer,
  body: Record<string, unknown>,
  status: 'completed' | 'in_progress' = 'completed',
) {
  const messageId = `msg_${a.id.slice(5)}`;
  const done = status === 'completed';
  return {
    id: a.id,
    object: 'response',
    created_at: a.created,
    status,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model: a.model,
    output: done
      ? [
          {
            type: 'message',
            id: messageId,
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: a.words.join(''), annotations: [], logprobs: [] }],
          },
        ]
      : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: a.promptTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: a.completionTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: a.promptTokens + a.completionTokens,
        }
      : null,
    metadata: {},
  };
}

/** The named SSE events of a streamed Responses call, as `[event, data]` pairs. */
export function responseEvents(a: Answer, body: Record<string, unknown>): [string, object][] {
  const itemId = `msg_${a.id.slice(5)}`;
  const text = a.words.join('');
  const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
  const item = { type: 'message', id: itemId, status: 'in_progress', role: 'assistant', content: [] };
  const events: [string, Record<string, unknown>][] = [
    ['response.created', { response: responseObject(a, body, 'in_progress') }],
    ['response.in_progress', { response: responseObject(a, body, 'in_progress') }],
    ['response.output_item.added', { output_index: 0, item }],
    ['response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part }],
    ...a.words.map((delta): [string, Record<string, unknown>] => [
      'response.output_text.delta',
      { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] },
    ]),
    ['response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] }],
    [
      'response.content_part.done',
      { item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text } },
    ],
    [
      'response.output_item.done',
      { output_index: 0, item: { ...item, status: 'completed', content: [{ ...part, text }] } },
    ],
    ['response.completed', { response: responseObject(a, body) }],
  ];
  return events.map(([type, data], sequence_number) => [type, { type, sequence_number, ...data }]);
}
