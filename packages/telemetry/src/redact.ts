// What telemetry writes from text it did not make (error messages, hook errors, opted-in prompts)
// passes through here: anything shaped like a credential is replaced before it is recorded.
const SECRETS: readonly [RegExp, string][] = [
  // OpenAI keys (sk-…, sk-proj-…), also as masked by the API ("sk-abc***xyz" keeps no secret, but its prefix may be long).
  [/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [
    /\b(authorization|api[-_]?key|x-api-key|password|secret|token)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi,
    '$1$2[redacted]',
  ],
];

/** `text` with credentials replaced, cut to `max` characters. */
export function redact(text: string, max = 300): string {
  let out = text;
  for (const [pattern, replacement] of SECRETS) out = out.replace(pattern, replacement);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
