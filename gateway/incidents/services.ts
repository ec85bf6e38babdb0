import type { Logger } from 'pino';
import type { FeedAck, ModeProfile } from '../../contracts/incidents';
import type { Db } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import type { GroupCommit } from '../changes/group-commit';
import type { GeoServices } from '../geo/services';
import { loadGaugeStations } from '../feeds/gauge-writer';
import type { GaugeStation } from '../feeds/gauges';
import { loadFeedKeys, type FeedKeys } from '../feeds/keys';
import { createAvlWriter, type AvlFix, type AvlResult } from '../feeds/streams';
import { loadModeProfiles } from '../modes/service';
import { IncidentActions } from './actions';
import { loadFusionRules, type FusionRules } from './fusion';
import { createIngestWriter, type IngestItem } from './ingest';

/** The emergency-command services of a running gateway, built once the database and geo services are ready. */
export interface CommandServices {
  rules: FusionRules;
  keys: FeedKeys;
  profiles: ModeProfile[];
  stations: GaugeStation[];
  ingest: GroupCommit<IngestItem, FeedAck>;
  avl: GroupCommit<AvlFix, AvlResult>;
  actions: IncidentActions;
  log: Logger;
}

export function buildCommandServices(db: Db, geo: GeoServices, hub: ChangeHub, log: Logger, keysFile: string): CommandServices {
  const rules = loadFusionRules();
  return {
    rules,
    keys: loadFeedKeys(keysFile),
    profiles: loadModeProfiles(),
    stations: loadGaugeStations(),
    ingest: createIngestWriter(db, rules, hub, log),
    avl: createAvlWriter(db, hub, log),
    actions: new IncidentActions(db, hub, rules, () => geo.routing),
    log,
  };
}
