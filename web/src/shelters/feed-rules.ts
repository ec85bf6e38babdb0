import type { Shelter } from '../../../contracts/shelters';
import type * as feed from '../changes/feed';

/**
 * The shelters layer of a change-log picture (the wall's): each shelter with its opening state and live occupancy,
 * carried by the `shelters` change layer (gateway/shelters/store.ts writes one change per registration, opening
 * change or occupancy report).
 */
export type ShelterLayers = { shelters: { item: Shelter; key: string } };

export const SHELTER_LAYER_RULES: feed.LayerRules<ShelterLayers> = {
  shelters: { of: (c) => c.shelter, id: (s) => s.id, keeps: () => true },
};

/** The snapshot part: every shelter (`GET /api/shelters` has no head sequence: every later change replaces them). */
export const shelterSnapshot = (shelters: readonly Shelter[]) => ({ shelters: { items: shelters, seq: null } });
