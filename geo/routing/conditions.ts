import type { RoadCondition } from '../../contracts';
import type { Queryable } from '../db/types';
import { RoutingError } from './errors';
import type { RoadGraph } from './graph';

interface ConditionRow {
  id: number;
  gid: number;
  factor: number | null;
  reason: string;
  created_at: string;
  cleared_at: string | null;
}

// Timestamps are formatted in SQL so both backends return the same ISO strings.
const COLUMNS = `id::float8 AS id, gid, factor, reason,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(cleared_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS cleared_at`;

/**
 * Live road conditions: persisted in `road_condition`, mirrored in the graph's per-edge factors. Several
 * active conditions on one edge combine to the worst of them (a closure beats any factor, else the largest
 * factor), so clearing one condition leaves the others in force.
 */
export class RoadConditions {
  private readonly active = new Map<number, { gid: number; factor: number | null }>();

  constructor(
    private readonly db: Queryable,
    private readonly graph: RoadGraph,
  ) {}

  /** Applies every active condition (at start-up); returns the gids not in the current graph, which are kept but inert. */
  async load(): Promise<{ applied: number; unknownGids: number[] }> {
    const rows = await this.db.query<ConditionRow>(`SELECT ${COLUMNS} FROM road_condition WHERE cleared_at IS NULL`);
    this.active.clear();
    for (let e = 0; e < this.graph.edgeCount; e++) this.graph.setFactor(e, 1);
    const unknownGids = new Set<number>();
    for (const r of rows) {
      this.active.set(r.id, { gid: r.gid, factor: r.factor });
      if (this.graph.edgeOfGid(r.gid) === undefined) unknownGids.add(r.gid);
    }
    for (const gid of new Set(rows.map((r) => r.gid))) this.recompute(gid);
    return { applied: rows.length - unknownGids.size, unknownGids: [...unknownGids] };
  }

  /**
   * Stores a condition, then applies it, so the next query already drives around or through it slower. A condition
   * placed from an agency record names it (`feedRecordId`), so it can be lifted when the record's incident ends.
   */
  async add(
    gid: number,
    factor: number | null,
    reason: string,
    feedRecordId: number | null = null,
    ownerDepartment: string | null = null,
  ): Promise<RoadCondition> {
    if (this.graph.edgeOfGid(gid) === undefined) throw new RoutingError('unknown_edge', `没有 gid 为 ${gid} 的道路路段`);
    const [row] = await this.db.query<ConditionRow>(
      `INSERT INTO road_condition (gid, factor, reason, feed_record_id, owner_department) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [gid, factor, reason, feedRecordId, ownerDepartment],
    );
    this.active.set(row!.id, { gid, factor });
    this.recompute(gid);
    return this.toWire(row!);
  }

  /**
   * Marks a condition cleared (it stays in the table as history) and restores the edge's weight. `mayLift` sees the
   * department that set it (null: the command centre or an agency record) and throws to refuse.
   */
  async clear(id: number, mayLift?: (ownerDepartment: string | null) => void): Promise<RoadCondition> {
    if (mayLift) {
      const [owner] = await this.db.query<{ owner_department: string | null }>(
        'SELECT owner_department FROM road_condition WHERE id = $1',
        [id],
      );
      if (owner) mayLift(owner.owner_department);
    }
    const [row] = await this.db.query<ConditionRow>(
      `UPDATE road_condition SET cleared_at = now() WHERE id = $1 AND cleared_at IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
    if (!row) {
      const [old] = await this.db.query<ConditionRow>(`SELECT ${COLUMNS} FROM road_condition WHERE id = $1`, [id]);
      if (old) throw new RoutingError('already_cleared', `道路状况 ${id} 已于 ${old.cleared_at} 解除，无需再次解除`);
      throw new RoutingError('unknown_condition', `没有 id 为 ${id} 的道路状况`);
    }
    this.active.delete(id);
    this.recompute(row.gid);
    return this.toWire(row);
  }

  /** Restores the edges of conditions another transaction has marked cleared (and committed). */
  forget(ids: readonly number[]): void {
    const gids = new Set<number>();
    for (const id of ids) {
      const c = this.active.get(id);
      if (!c) continue;
      this.active.delete(id);
      gids.add(c.gid);
    }
    for (const gid of gids) this.recompute(gid);
  }

  async list(): Promise<RoadCondition[]> {
    const rows = await this.db.query<ConditionRow>(
      `SELECT ${COLUMNS} FROM road_condition WHERE cleared_at IS NULL ORDER BY created_at, id`,
    );
    return rows.map((r) => this.toWire(r));
  }

  private recompute(gid: number): void {
    const e = this.graph.edgeOfGid(gid);
    if (e === undefined) return;
    let factor = 1;
    for (const c of this.active.values()) {
      if (c.gid === gid) factor = Math.max(factor, c.factor ?? Infinity);
    }
    this.graph.setFactor(e, factor);
  }

  private toWire(r: ConditionRow): RoadCondition {
    const e = this.graph.edgeOfGid(r.gid);
    return {
      id: r.id,
      gid: r.gid,
      factor: r.factor,
      closed: r.factor === null,
      reason: r.reason,
      createdAt: r.created_at,
      clearedAt: r.cleared_at,
      geometry: e === undefined ? null : { type: 'LineString', coordinates: this.graph.edgeCoords(e) },
    };
  }
}
