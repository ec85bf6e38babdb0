import type { Logger } from 'pino';
import type { Db } from '../../geo/db/types';
import type { CaseSettings } from '../cases/tables';
import type { ChangeHub } from '../changes/hub';
import type { GaugeStation } from '../feeds/gauges';
import { loadPolicy } from '../policy/load';
import { buildResponseContext, type ResponseContext } from './context';
import { watchForTriggers } from './suggestions';

/**
 * The response services of a ready gateway: the plans, checked against the policy's roles, the department table and
 * the gauge stations (a wrong plan file stops start-up naming the file and field), with the trigger watch on the
 * committed changes of this process.
 */
export async function buildResponses(
  db: Db,
  hub: ChangeHub,
  log: Logger,
  stations: readonly GaugeStation[],
  photo: CaseSettings['photo'],
): Promise<ResponseContext> {
  const departments = await db.query<{ id: string }>('SELECT id FROM department');
  const ctx = buildResponseContext({
    db,
    hub,
    log,
    stations,
    photo,
    roles: Object.keys(loadPolicy().file.roles),
    departments: departments.map((d) => d.id),
  });
  watchForTriggers(ctx);
  return ctx;
}
