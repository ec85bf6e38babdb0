import fc from 'fast-check';
import { nearestAssignment, optimalAssignment, type Assignment, type WalkArc } from '../../geo/evacuation/assign';

/** A random instance: cells with people, shelters with capacities, and walks between some of them. */
const instance = fc
  .record({
    population: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 14 }),
    capacity: fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 8 }),
  })
  .chain(({ population, capacity }) =>
    fc
      .array(
        fc.record({
          cell: fc.integer({ min: 0, max: population.length - 1 }),
          shelter: fc.integer({ min: 0, max: capacity.length - 1 }),
          walkS: fc.integer({ min: 0, max: 3600 }),
        }),
        { maxLength: population.length * capacity.length },
      )
      .map((arcs) => ({ population, capacity, arcs })),
  );

/** Every person of every cell is either in exactly one flow or counted unassigned; flows use only given walks. */
function expectConsistent(a: Assignment, population: number[], capacity: number[], arcs: WalkArc[]): void {
  const placed = population.map(() => 0);
  const load = capacity.map(() => 0);
  for (const f of a.flows) {
    expect(f.people).toBeGreaterThan(0);
    expect(Number.isInteger(f.people)).toBe(true);
    expect(arcs.some((w) => w.cell === f.cell && w.shelter === f.shelter && w.walkS === f.walkS)).toBe(true);
    placed[f.cell]! += f.people;
    load[f.shelter]! += f.people;
  }
  population.forEach((p, i) => expect(placed[i]! + a.unassignedByCell[i]!).toBe(p));
  expect(a.assignedByShelter).toEqual(load);
  expect(a.population).toBe(population.reduce((s, p) => s + p, 0));
  expect(a.unassigned).toBe(a.unassignedByCell.reduce((s, p) => s + p, 0));
}

/** A feasible assignment built here, independently: cells in order, each person to the nearest shelter with room. */
function greedyWithinCapacity(population: number[], capacity: number[], arcs: WalkArc[]) {
  const room = [...capacity];
  let unassigned = 0;
  let total = 0;
  population.forEach((p, cell) => {
    let left = p;
    const walks = arcs.filter((a) => a.cell === cell).sort((a, b) => a.walkS - b.walkS);
    for (const w of walks) {
      const take = Math.min(left, room[w.shelter]!);
      room[w.shelter]! -= take;
      left -= take;
      total += take * w.walkS;
    }
    unassigned += left;
  });
  return { unassigned, total };
}

describe('evacuation assignment (transportation LP with HiGHS)', () => {
  it('never sends a shelter more people than its capacity, and accounts for every person', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async ({ population, capacity, arcs }) => {
        const a = await optimalAssignment(population, capacity, arcs);
        a.assignedByShelter.forEach((n, j) => expect(n).toBeLessThanOrEqual(capacity[j]!));
        expectConsistent(a, population, capacity, arcs);
      }),
      { numRuns: 150 },
    );
  });

  it('places at least as many people as a capacity-respecting greedy, and walks no more in total when it places as many', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async ({ population, capacity, arcs }) => {
        const a = await optimalAssignment(population, capacity, arcs);
        const g = greedyWithinCapacity(population, capacity, arcs);
        expect(a.unassigned).toBeLessThanOrEqual(g.unassigned);
        if (a.unassigned === g.unassigned) expect(a.totalWalkS).toBeLessThanOrEqual(g.total);
      }),
      { numRuns: 150 },
    );
  });

  it('reports the people it cannot place when capacity is short', async () => {
    // 150 people, one shelter for 120 within reach: 30 cannot be placed.
    const a = await optimalAssignment(
      [100, 50],
      [120],
      [
        { cell: 0, shelter: 0, walkS: 300 },
        { cell: 1, shelter: 0, walkS: 600 },
      ],
    );
    expect(a.assignedByShelter).toEqual([120]);
    expect(a.unassigned).toBe(30);
    // Who waits does not change how many are placed; the shorter walks are used first.
    expect(a.unassignedByCell).toEqual([0, 30]);
    expect(a.totalWalkS).toBe(100 * 300 + 20 * 600);
  });

  it('counts a cell with no shelter within reach as unassigned', async () => {
    const a = await optimalAssignment([40, 60], [500], [{ cell: 0, shelter: 0, walkS: 100 }]);
    expect(a.unassignedByCell).toEqual([0, 60]);
    expect(a.unassigned).toBe(60);
  });

  it('splits the people where the nearest shelter would overflow (worked example)', async () => {
    // A and B both have X nearest; X holds only 10. Sending A to Y (200 s) and B to X (110 s) walks 3,100
    // person-seconds; the other split (A→X 100 s, B→Y 500 s) walks 6,000.
    const arcs = [
      { cell: 0, shelter: 0, walkS: 100 },
      { cell: 0, shelter: 1, walkS: 200 },
      { cell: 1, shelter: 0, walkS: 110 },
      { cell: 1, shelter: 1, walkS: 500 },
    ];
    const best = await optimalAssignment([10, 10], [10, 10], arcs);
    expect(best.totalWalkS).toBe(3_100);
    expect(best.maxWalkS).toBe(200);
    expect(best.flows.map((f) => [f.cell, f.shelter, f.people])).toEqual([
      [0, 1, 10],
      [1, 0, 10],
    ]);
    const usual = nearestAssignment([10, 10], [10, 10], arcs);
    expect(usual.assignedByShelter).toEqual([20, 0]);
    expect(usual.overloaded).toBe(1);
    expect(usual.totalWalkS).toBe(10 * 100 + 10 * 110);
  });
});
