import { InvalidJobError } from './errors.ts';
import { ENDPOINTS, type Endpoint, LANES, type Lane } from './names.ts';

/** A job as it travels through RabbitMQ: everything a worker needs, so no state lives in one process. */
export interface JobMessage {
  readonly v: 1;
  readonly id: string;
  readonly endpoint: Endpoint;
  /** The OpenAI request body (`model`, `messages`, …). */
  readonly request: Record<string, unknown>;
  /** The partition key of its limits and circuit (default: the model). */
  readonly key: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly lane: Lane;
  /** Clock time of the enqueue, in ms. */
  readonly enqueuedAt: number;
  /** Clock time by which it must be done, in ms. */
  readonly deadline: number | undefined;
  /** The `X-Client-Request-Id` of every attempt of this job, whichever worker sends it. */
  readonly clientRequestId: string;
}

const MAX_ID = 200;
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** What is wrong with a request body for `endpoint`, or undefined when it can be sent. */
export function requestProblem(request: unknown, endpoint: Endpoint): string | undefined {
  if (!isObject(request)) return 'request must be an object (an OpenAI request body)';
  if (typeof request.model !== 'string' || request.model === '')
    return 'request.model must be a non-empty string';
  if (request.stream === true)
    return 'request.stream must not be true (a queued job stores its whole answer)';
  if (endpoint === 'chat' && !Array.isArray(request.messages))
    return 'request.messages must be an array (endpoint chat)';
  if (endpoint !== 'chat' && request.input === undefined)
    return `request.input is required (endpoint ${endpoint})`;
  return undefined;
}

/** Whether `id` can name a job (it becomes part of a Redis key and of the client request id). */
export function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID || !/^[\x21-\x7e]+$/.test(id)) {
    return `jobId must be 1 to ${MAX_ID} printable ASCII characters without spaces`;
  }
  return undefined;
}

/** The message's bytes. */
export function encodeJob(job: JobMessage): Buffer {
  return Buffer.from(JSON.stringify(job));
}

/** The id of a message, if it has a readable one (for the dead letter's report). */
export function peekId(content: Buffer): string | undefined {
  try {
    const id = (JSON.parse(content.toString('utf8')) as { id?: unknown }).id;
    return idProblem(id) === undefined ? (id as string) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a message as a job; throws {@link InvalidJobError} saying what is wrong. */
export function decodeJob(content: Buffer): JobMessage {
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new InvalidJobError(`not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new InvalidJobError('not a JSON object');
  const m = value;
  if (m.v !== 1) throw new InvalidJobError(`unknown message version ${JSON.stringify(m.v)} (expected 1)`);
  const idError = idProblem(m.id);
  if (idError) throw new InvalidJobError(idError);
  if (!(ENDPOINTS as readonly unknown[]).includes(m.endpoint)) {
    throw new InvalidJobError(
      `endpoint must be one of ${ENDPOINTS.join(', ')}, got ${JSON.stringify(m.endpoint)}`,
    );
  }
  const problem = requestProblem(m.request, m.endpoint as Endpoint);
  if (problem) throw new InvalidJobError(problem);
  if (!(LANES as readonly unknown[]).includes(m.lane)) {
    throw new InvalidJobError(`lane must be one of ${LANES.join(', ')}, got ${JSON.stringify(m.lane)}`);
  }
  if (m.key !== undefined && (typeof m.key !== 'string' || m.key === '')) {
    throw new InvalidJobError('key must be a non-empty string when given');
  }
  if (!isObject(m.tags) || Object.values(m.tags).some((t) => typeof t !== 'string')) {
    throw new InvalidJobError('tags must be an object of strings');
  }
  if (typeof m.enqueuedAt !== 'number' || !Number.isFinite(m.enqueuedAt)) {
    throw new InvalidJobError('enqueuedAt must be a finite number');
  }
  if (m.deadline !== undefined && (typeof m.deadline !== 'number' || !Number.isFinite(m.deadline))) {
    throw new InvalidJobError('deadline must be a finite number when given');
  }
  if (typeof m.clientRequestId !== 'string' || m.clientRequestId === '') {
    throw new InvalidJobError('clientRequestId must be a non-empty string');
  }
  return m as unknown as JobMessage;
}
