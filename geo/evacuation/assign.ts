import highsLoader, { type Highs } from 'highs';

/**
 * Assigning each grid cell's people to shelters within capacity (the transportation problem): the optimum by
 * linear programming with HiGHS, and the usual practice — everyone to the nearest shelter — as the baseline.
 * Pure: cells, shelters and the walks between them in, flows out.
 */

/** A walk from cell `cell` to shelter `shelter` taking `walkS` seconds (indexes into the cell and shelter lists). */
export interface WalkArc {
  cell: number;
  shelter: number;
  walkS: number;
}

export interface Flow {
  cell: number;
  shelter: number;
  people: number;
  walkS: number;
}

export interface Assignment {
  flows: Flow[];
  /** People of each cell not placed in any shelter (out of reach or no room left). */
  unassignedByCell: number[];
  /** People placed in each shelter. */
  assignedByShelter: number[];
  population: number;
  unassigned: number;
  /** Sum over people of their walk (person-seconds). */
  totalWalkS: number;
  /** The longest walk anyone is sent on. */
  maxWalkS: number;
}

/**
 * Cost of leaving one person unassigned: far above any walk (walks are limited to an hour or so), so the solver
 * places as many people as capacity allows before it shortens walks.
 */
export const UNASSIGNED_COST_S = 1_000_000;

const whole = (v: number) => (Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

let highs: Promise<Highs> | null = null;
const solver = () => (highs ??= highsLoader());

function summarise(population: number[], capacityCount: number, flows: Flow[]): Assignment {
  const assignedByShelter = new Array<number>(capacityCount).fill(0);
  const placed = new Array<number>(population.length).fill(0);
  let totalWalkS = 0;
  let maxWalkS = 0;
  for (const f of flows) {
    assignedByShelter[f.shelter]! += f.people;
    placed[f.cell]! += f.people;
    totalWalkS += f.people * f.walkS;
    if (f.people > 0) maxWalkS = Math.max(maxWalkS, f.walkS);
  }
  const unassignedByCell = population.map((p, i) => p - placed[i]!);
  const total = population.reduce((a, b) => a + b, 0);
  return {
    flows,
    unassignedByCell,
    assignedByShelter,
    population: total,
    unassigned: unassignedByCell.reduce((a, b) => a + b, 0),
    totalWalkS,
    maxWalkS,
  };
}

/** Usable arcs: finite walks between a cell with people and a shelter with room, one per pair (the shortest). */
function usableArcs(population: number[], capacity: number[], arcs: readonly WalkArc[]): WalkArc[] {
  const best = new Map<string, WalkArc>();
  for (const a of arcs) {
    if (!(population[a.cell]! > 0) || !(capacity[a.shelter]! > 0) || !Number.isFinite(a.walkS) || a.walkS < 0) continue;
    const key = `${a.cell}:${a.shelter}`;
    const seen = best.get(key);
    if (!seen || a.walkS < seen.walkS) best.set(key, a);
  }
  return [...best.values()];
}

/**
 * Everyone to the nearest shelter they can walk to, whatever its capacity: the usual practice. `overloaded` counts
 * the shelters sent more people than they hold.
 */
export function nearestAssignment(
  population: readonly number[],
  capacity: readonly number[],
  arcs: readonly WalkArc[],
): Assignment & { overloaded: number } {
  const pop = population.map(whole);
  const cap = capacity.map(whole);
  const nearest = new Map<number, WalkArc>();
  for (const a of arcs) {
    if (!(pop[a.cell]! > 0) || !Number.isFinite(a.walkS) || a.walkS < 0) continue;
    const seen = nearest.get(a.cell);
    if (!seen || a.walkS < seen.walkS || (a.walkS === seen.walkS && a.shelter < seen.shelter)) nearest.set(a.cell, a);
  }
  const flows = [...nearest.values()]
    .sort((a, b) => a.cell - b.cell)
    .map((a) => ({ cell: a.cell, shelter: a.shelter, people: pop[a.cell]!, walkS: a.walkS }));
  const result = summarise(pop, cap.length, flows);
  return { ...result, overloaded: result.assignedByShelter.filter((n, j) => n > cap[j]!).length };
}

/**
 * The assignment with the least total walking that places as many people as the shelters hold: a transportation
 * LP (cells supply their people, shelters take at most their capacity, a costly "unassigned" column per cell keeps
 * it feasible) solved with HiGHS' simplex. The LP's constraint matrix is totally unimodular, so the basic optimum
 * is whole people; the result is checked (and, against rounding noise, trimmed) so that no shelter is ever above
 * its capacity and every cell's people are either placed or reported unassigned.
 */
export async function optimalAssignment(
  population: readonly number[],
  capacity: readonly number[],
  arcs: readonly WalkArc[],
): Promise<Assignment> {
  const pop = population.map(whole);
  const cap = capacity.map(whole);
  const usable = usableArcs(pop, cap, arcs);
  const cells = pop.flatMap((p, i) => (p > 0 ? [i] : []));
  if (!usable.length) return summarise(pop, cap.length, []);

  const nCells = pop.length;
  const nCols = usable.length + cells.length;
  const nRows = nCells + cap.length;
  const starts = new Int32Array(nCols + 1);
  const indices = new Int32Array(usable.length * 2 + cells.length);
  const values = new Float64Array(indices.length).fill(1);
  const cost = new Float64Array(nCols);
  let k = 0;
  usable.forEach((a, c) => {
    starts[c] = k;
    indices[k++] = a.cell;
    indices[k++] = nCells + a.shelter;
    cost[c] = a.walkS;
  });
  cells.forEach((cell, i) => {
    const c = usable.length + i;
    starts[c] = k;
    indices[k++] = cell;
    cost[c] = UNASSIGNED_COST_S;
  });
  starts[nCols] = k;

  const h = await solver();
  const rowLower = new Float64Array(nRows);
  const rowUpper = new Float64Array(nRows);
  pop.forEach((p, i) => {
    rowLower[i] = p;
    rowUpper[i] = p;
  });
  cap.forEach((c, j) => {
    rowLower[nCells + j] = -h.infinity;
    rowUpper[nCells + j] = c;
  });
  const colValues = h.withModel(
    {
      numCols: nCols,
      numRows: nRows,
      colCost: cost,
      colLower: new Float64Array(nCols),
      colUpper: new Float64Array(nCols).fill(h.infinity),
      rowLower,
      rowUpper,
      matrix: { format: 'csc', numRows: nRows, numCols: nCols, starts, indices, values },
    },
    (model) => {
      model.options.set({ output_flag: false, solver: 'simplex' });
      model.run();
      const status = model.getModelStatus();
      if (status !== h.constants.modelStatus.optimal)
        throw new Error(`the assignment LP ended with HiGHS model status ${status}`);
      return Float64Array.from(model.getSolution().colValue);
    },
  );

  // Whole people; then no shelter above capacity, taking any excess from its longest walks first.
  const flows: Flow[] = [];
  usable.forEach((a, c) => {
    const people = Math.round(colValues[c]!);
    if (people > 0) flows.push({ cell: a.cell, shelter: a.shelter, people, walkS: a.walkS });
  });
  const load = new Array<number>(cap.length).fill(0);
  for (const f of flows) load[f.shelter]! += f.people;
  const byWalk = [...flows].sort((a, b) => b.walkS - a.walkS);
  for (const f of byWalk) {
    const over = load[f.shelter]! - cap[f.shelter]!;
    if (over <= 0) continue;
    const cut = Math.min(over, f.people);
    f.people -= cut;
    load[f.shelter]! -= cut;
  }
  const placed = new Array<number>(nCells).fill(0);
  for (const f of byWalk) {
    const room = pop[f.cell]! - placed[f.cell]!;
    if (f.people > room) f.people = room;
    placed[f.cell]! += f.people;
  }
  return summarise(
    pop,
    cap.length,
    flows.filter((f) => f.people > 0).sort((a, b) => a.cell - b.cell || a.walkS - b.walkS),
  );
}
