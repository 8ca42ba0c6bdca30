import { createHash } from 'node:crypto';
import type { CaptureUser } from './options.ts';

/** What may be recorded of one user id, per signal. */
export interface UserView {
  /** For spans: raw, hashed, or nothing. */
  readonly span: string | undefined;
  /** For log lines: the hash, or nothing. */
  readonly log: string | undefined;
  /** For metrics: a bucket of the hash (`0`…`buckets - 1`), or nothing. */
  readonly bucket: string | undefined;
}

const NONE: UserView = { span: undefined, log: undefined, bucket: undefined };

/**
 * Sees user ids the way `captureUser` allows. A hash is 16 hex characters of SHA-256 over the salt
 * and the id: stable across processes (one user's calls group together in Elasticsearch), not
 * reversible without the salt. Buckets bound metric cardinality whatever the number of users.
 */
export function userViewer(
  mode: CaptureUser,
  salt: string,
  buckets: number,
): (id: string | undefined) => UserView {
  if (mode === 'off') return () => NONE;
  // A busy service sees the same users again and again: remember recent hashes, boundedly.
  const recent = new Map<string, UserView>();
  return (id) => {
    if (id === undefined || id === '') return NONE;
    const known = recent.get(id);
    if (known !== undefined) return known;
    const digest = createHash('sha256').update(salt).update('\u0000').update(id).digest();
    const hash = digest.toString('hex', 0, 8);
    const view: UserView = {
      span: mode === 'raw-in-spans' ? id : hash,
      log: hash,
      bucket: String(digest.readUInt32BE(8) % buckets),
    };
    if (recent.size >= 1_024) recent.delete(recent.keys().next().value as string);
    recent.set(id, view);
    return view;
  };
}
