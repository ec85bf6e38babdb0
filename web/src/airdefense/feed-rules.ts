import type { Siren, SirenCommandSummary } from '../../../contracts/airdefense';
import type * as feed from '../changes/feed';

/**
 * The sirens layer of a change-log picture (the wall's): each siren with its live state and each recent siren
 * command with its progress, both carried by the `sirens` change layer and kept under one map by a prefixed key.
 */
export type SirenItem = { kind: 'siren'; siren: Siren } | { kind: 'command'; command: SirenCommandSummary };
export type SirenLayers = { sirens: { item: SirenItem; key: string } };

const keyOf = (i: SirenItem): string => (i.kind === 'siren' ? `s:${i.siren.id}` : `c:${i.command.id}`);

export const SIREN_LAYER_RULES: feed.LayerRules<SirenLayers> = {
  sirens: {
    of: (c) =>
      c.siren ? { kind: 'siren', siren: c.siren } : c.sirenCommand ? { kind: 'command', command: c.sirenCommand } : undefined,
    id: keyOf,
    keeps: () => true,
  },
};

/** The snapshot part: the registry and the recent commands (not sequenced: every later change replaces them). */
export const sirenSnapshot = (sirens: readonly Siren[], commands: readonly SirenCommandSummary[]) => ({
  sirens: {
    items: [
      ...sirens.map((siren) => ({ kind: 'siren' as const, siren })),
      ...commands.map((command) => ({ kind: 'command' as const, command })),
    ],
    seq: null,
  },
});

/** Sirens and commands (newest first) out of the layer's map. */
export function splitSirenItems(items: Iterable<SirenItem>): { sirens: Siren[]; commands: SirenCommandSummary[] } {
  const sirens: Siren[] = [];
  const commands: SirenCommandSummary[] = [];
  for (const i of items) {
    if (i.kind === 'siren') sirens.push(i.siren);
    else commands.push(i.command);
  }
  sirens.sort((a, b) => a.id.localeCompare(b.id));
  commands.sort((a, b) => b.proposedAt.localeCompare(a.proposedAt));
  return { sirens, commands };
}
