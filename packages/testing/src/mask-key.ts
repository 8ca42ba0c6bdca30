/** Below this length a key is starred whole: showing 7 of its characters would show most of it. */
const SHORT = 14;
/** From this length on the first 5 characters show (`sk-ab`), as in OpenAI's messages; else 3. */
const LONG = 20;

/**
 * Masks an API key the way OpenAI's error messages do: the first few characters (3, or 5 for
 * keys of 20 characters or more), stars, and the last 4. A key shorter than 14 characters becomes
 * one star per character, so less than half of any key ever shows. `''` (no key) stays `''`.
 *
 * The chaos server files its statistics under the masked key, so look them up with it.
 *
 * @example
 * maskKey('sk-abcdefghijklmnopqrstuvwxyz'); // 'sk-ab********************wxyz'
 * maskKey('sk-test'); // '*******'
 * server.stats().byKey[maskKey(apiKey)];
 */
export function maskKey(key: string): string {
  if (key.length < SHORT) return '*'.repeat(key.length);
  const head = key.length >= LONG ? 5 : 3;
  return `${key.slice(0, head)}${'*'.repeat(key.length - head - 4)}${key.slice(-4)}`;
}
