import { TOPIC_LAYER, type Change, type ChangeLayer, type ChangesCatchUp } from '../../../contracts/incidents';

/**
 * A picture of the world kept from the change log, by a pure reducer so that it can be tested without a browser:
 * a snapshot read over HTTP, then the changes applied on top of it, each change at most once.
 *
 * Changes are deduplicated twice: by `seq` against a window of recently applied sequences (a change can be
 * delivered twice when two gateway processes relay it, or replayed by a catch-up overlap), and per entity against
 * the sequence of the version already held, so that a late, older change never overwrites a newer version.
 *
 * The picture holds one map per change layer it follows (`incidents`, `units`, `cases`…); each layer's rule says
 * which entity a change carries, its id, and whether a version belongs in the picture at all (a closed incident, a
 * case outside the list's filter, leaves it).
 */

/** How many applied sequences are remembered for deduplication. */
export const SEQ_WINDOW = 20_000;

type Key = string | number;

export interface LayerRule<T, K extends Key> {
  /** The entity a change of this layer carries (undefined: none). */
  of(change: Change): T | undefined;
  id(entity: T): K;
  /** Whether this version of the entity belongs in the picture; one that does not is removed. */
  keeps(entity: T): boolean;
}

/** The entity and id types of each followed layer, e.g. `{ incidents: { item: Incident; key: number } }`. */
export type Layers = Partial<Record<ChangeLayer, { item: unknown; key: Key }>>;
type Item<M extends Layers, L extends keyof M> = M[L] extends { item: infer T } ? T : never;
type KeyOf<M extends Layers, L extends keyof M> = M[L] extends { key: infer K extends Key } ? K : never;
export type LayerRules<M extends Layers> = { readonly [L in keyof M]-?: LayerRule<Item<M, L>, KeyOf<M, L>> };
type LayerMaps<M extends Layers> = { readonly [L in keyof M]-?: ReadonlyMap<KeyOf<M, L>, Item<M, L>> };

export type ChangeFeedState<M extends Layers> = LayerMaps<M> & Ledger<M>;

/** The sequence bookkeeping of a picture. */
interface Ledger<M extends Layers> {
  /** True once a snapshot has been applied. */
  readonly loaded: boolean;
  /**
   * Sequence of the version held of each entity changed after the snapshot, keyed `incidents:12`, `units:abc`;
   * entries stay for entities that left the picture, so that a late older change cannot bring them back.
   */
  readonly versions: ReadonlyMap<string, number>;
  /** Sequences of the snapshot's reads, per layer: a change at or below them is already in it. */
  readonly baseline: Readonly<Record<keyof M, number>>;
  /** Recently applied sequences (at most `SEQ_WINDOW`). */
  readonly seen: ReadonlySet<number>;
  /** Where to resume the change log: the snapshot's sequence, then the highest sequence applied since. */
  readonly lastSeq: number;
}

/** A layer's part of a snapshot: its entities and the change-log head when they were read (null: not sequenced). */
export interface LayerSnapshot<T> {
  items: readonly T[];
  seq: number | null;
}
export type Snapshot<M extends Layers> = { readonly [L in keyof M]?: LayerSnapshot<Item<M, L>> };

const layersOf = <M extends Layers>(rules: LayerRules<M>) => Object.keys(rules) as (keyof M & ChangeLayer)[];
const versionKey = (layer: ChangeLayer, id: Key): string => `${layer}:${id}`;
const layerOfKey = (key: string): string => key.slice(0, key.indexOf(':'));

/** A layer's rule with its types erased, for the loops that handle every layer alike. */
const ruleOf = <M extends Layers>(rules: LayerRules<M>, layer: keyof M) => rules[layer] as LayerRule<unknown, Key>;

type Mutable<M extends Layers> = Partial<Record<keyof M, Map<Key, unknown>>>;
const withMaps = <M extends Layers, S extends ChangeFeedState<M>>(state: S, maps: Mutable<M>, rest: Partial<Ledger<M>>): S =>
  ({ ...state, ...maps, ...rest }) as S;

export function emptyFeed<M extends Layers>(rules: LayerRules<M>): ChangeFeedState<M> {
  const maps: Mutable<M> = {};
  const baseline = {} as Record<keyof M, number>;
  for (const layer of layersOf(rules)) {
    maps[layer] = new Map();
    baseline[layer] = 0;
  }
  const ledger: Ledger<M> = { loaded: false, versions: new Map(), baseline, seen: new Set(), lastSeq: 0 };
  return { ...maps, ...ledger } as unknown as ChangeFeedState<M>;
}

/**
 * Replaces the picture with a snapshot. Whatever the state already holds in a version newer than the snapshot's
 * read (changes applied after it, e.g. while a reset reload was under way) is kept: newer always wins. A layer the
 * snapshot leaves out keeps what it holds.
 */
export function applySnapshot<M extends Layers, S extends ChangeFeedState<M>>(
  rules: LayerRules<M>,
  state: S,
  snap: Snapshot<M>,
): S {
  const baseline: Record<keyof M, number> = { ...state.baseline };
  for (const layer of layersOf(rules)) if (snap[layer]) baseline[layer] = snap[layer].seq ?? 0;
  // Versions at or below the new baseline are implied by it; only newer ones still mean something.
  const versions = new Map<string, number>();
  for (const [key, seq] of state.versions) {
    if (seq > (baseline[layerOfKey(key) as keyof M] ?? 0)) versions.set(key, seq);
  }
  const maps: Mutable<M> = {};
  for (const layer of layersOf(rules)) {
    const part = snap[layer];
    if (!part) continue;
    const rule = ruleOf(rules, layer);
    const newer = (id: Key) => versions.has(versionKey(layer, id));
    const map = new Map<Key, unknown>();
    for (const item of part.items as readonly unknown[])
      if (!newer(rule.id(item)) && rule.keeps(item)) map.set(rule.id(item), item);
    for (const [id, item] of state[layer]) if (newer(id)) map.set(id, item);
    maps[layer] = map;
  }
  const seqs = layersOf(rules).flatMap((l) => (snap[l]?.seq == null ? [] : [snap[l].seq]));
  return withMaps<M, S>(state, maps, {
    loaded: true,
    versions,
    baseline,
    lastSeq: seqs.length ? Math.min(...seqs) : state.lastSeq,
  });
}

/**
 * Applies changes (in any order, duplicates allowed) to the layers the rules follow; changes of other layers are
 * only counted as seen. Maps that no change touched keep their identity; nothing new returns the same state.
 */
export function applyChanges<M extends Layers, S extends ChangeFeedState<M>>(
  rules: LayerRules<M>,
  state: S,
  changes: readonly Change[],
): S {
  if (changes.length === 0) return state;
  const sorted = [...changes].sort((a, b) => a.seq - b.seq);
  let seen: Set<number> | null = null;
  let versions: Map<string, number> | null = null;
  const maps: Mutable<M> = {};
  let lastSeq = state.lastSeq;

  for (const change of sorted) {
    if (!Number.isInteger(change.seq) || (seen ?? state.seen).has(change.seq)) continue;
    seen ??= new Set(state.seen);
    seen.add(change.seq);
    lastSeq = Math.max(lastSeq, change.seq);
    const layer = TOPIC_LAYER[change.topic] as (keyof M & ChangeLayer) | null;
    if (layer === null || !(layer in rules)) continue;
    const rule = ruleOf(rules, layer);
    const entity = rule.of(change);
    if (entity === undefined) continue;
    // Only a change newer than the version held of its entity (or the snapshot's read) applies.
    const key = versionKey(layer, rule.id(entity));
    const held = Math.max((versions ?? state.versions).get(key) ?? -1, state.baseline[layer]);
    if (change.seq <= held) continue;
    versions ??= new Map(state.versions);
    versions.set(key, change.seq);
    const map = (maps[layer] ??= new Map<Key, unknown>(state[layer]));
    if (rule.keeps(entity)) map.set(rule.id(entity), entity);
    else map.delete(rule.id(entity));
  }

  if (!seen) return state;
  if (seen.size > SEQ_WINDOW) seen = trimSeen(seen);
  return withMaps<M, S>(state, maps, { versions: versions ?? state.versions, seen, lastSeq });
}

/** Keeps the newest three quarters of the window, so trimming happens once every few thousand changes. */
function trimSeen(seen: Set<number>): Set<number> {
  const keep = Math.floor(SEQ_WINDOW * 0.75);
  return new Set([...seen].sort((a, b) => b - a).slice(0, keep));
}

/**
 * Applies the answer to `changes:subscribe` with `apply`. When the server could not replay the gap (`reset`),
 * nothing is applied and the caller must reload the snapshot (and subscribe again from its sequence).
 */
export function applyCatchUp<S>(
  apply: (state: S, changes: readonly Change[]) => S,
  state: S,
  catchUp: ChangesCatchUp,
): { state: S; reset: boolean } {
  if (catchUp.reset) return { state, reset: true };
  return { state: apply(state, catchUp.changes), reset: false };
}

/** The sequence to subscribe from. */
export const resumeSeq = (state: { lastSeq: number }): number => state.lastSeq;
