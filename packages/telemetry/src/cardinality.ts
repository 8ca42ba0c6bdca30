import type { Attributes } from '@opentelemetry/api';
import { GEN_AI, OTHER, UNFAZED } from './names.ts';

/**
 * Attributes whose values come from outside (models, features, keys, users, hooks): the ones a
 * guard folds. Everything else we record is one of a fixed vocabulary (categories, reasons,
 * outcomes, delay sources), so folded sets stay bounded.
 */
const OPEN_ENDED = new Set<string>([
  GEN_AI.requestModel,
  GEN_AI.responseModel,
  UNFAZED.feature,
  UNFAZED.userBucket,
  UNFAZED.key,
  UNFAZED.from,
  UNFAZED.to,
  UNFAZED.hook,
  UNFAZED.source,
]);

/** Called once per instrument, the first time it folds. */
export type OnFold = (instrument: string, limit: number) => void;

interface Node {
  /** Attribute name → its value → the node of the sets continuing with it. */
  next?: Map<string, Map<unknown, Node>>;
  /** A set ends here. */
  end?: boolean;
}

/**
 * Caps the distinct attribute sets each instrument records at `limit`. A set seen before passes
 * unchanged; a new one beyond the limit has its open-ended values replaced with `other`, so a
 * runaway dimension (a model name per request, a feature per user) costs one series, not millions.
 * Sets are remembered in a tree of names and values, so a known set is found without building a
 * string; memory is bounded by `limit` sets per instrument.
 */
export class CardinalityGuard {
  readonly #limit: number;
  readonly #onFold: OnFold;
  readonly #roots = new Map<string, { node: Node; size: number; folded: boolean }>();

  constructor(limit: number, onFold: OnFold) {
    this.#limit = limit;
    this.#onFold = onFold;
  }

  /** The attributes to record on `instrument`: `attributes` itself, or its folded copy. */
  admit(instrument: string, attributes: Attributes): Attributes {
    let root = this.#roots.get(instrument);
    if (root === undefined) {
      root = { node: {}, size: 0, folded: false };
      this.#roots.set(instrument, root);
    }
    let node: Node | undefined = root.node;
    for (const name in attributes) {
      node = node.next?.get(name)?.get(attributes[name]);
      if (node === undefined) break;
    }
    if (node?.end) return attributes;
    if (root.size < this.#limit) {
      this.#remember(root.node, attributes);
      root.size++;
      return attributes;
    }
    if (!root.folded) {
      root.folded = true;
      this.#onFold(instrument, this.#limit);
    }
    const folded: Attributes = {};
    for (const name in attributes) {
      const value = attributes[name];
      folded[name] = OPEN_ENDED.has(name) && value !== undefined ? OTHER : value;
    }
    return folded;
  }

  #remember(root: Node, attributes: Attributes): void {
    let node = root;
    for (const name in attributes) {
      node.next ??= new Map();
      let values = node.next.get(name);
      if (values === undefined) {
        values = new Map();
        node.next.set(name, values);
      }
      let child = values.get(attributes[name]);
      if (child === undefined) {
        child = {};
        values.set(attributes[name], child);
      }
      node = child;
    }
    node.end = true;
  }
}
