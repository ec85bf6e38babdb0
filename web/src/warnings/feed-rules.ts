import type { PublicWarning, WarningListResponse } from '../../../contracts/warnings';
import type * as feed from '../changes/feed';

/**
 * The warnings layer of a change-log picture (the wall's): a warning message stays while it is in force; a change
 * that supersedes, cancels or expires it removes it, and a cancel notice never enters.
 */
export type WarningLayers = { warnings: { item: PublicWarning; key: string } };

export const WARNING_LAYER_RULES: feed.LayerRules<WarningLayers> = {
  warnings: { of: (c) => c.warning, id: (w) => w.id, keeps: (w) => w.state === 'active' && w.msgType !== 'Cancel' },
};

/** The snapshot part of the warnings in force (`GET /api/warnings`). */
export const warningSnapshot = (r: WarningListResponse) => ({ warnings: { items: r.warnings, seq: r.seq } });
