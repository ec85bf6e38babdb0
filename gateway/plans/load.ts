import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planSchema, type Plan } from '../../contracts/plans';

/** data/plans/: one JSON file per plan, named by its id. */
export const PLANS_DIR = path.resolve(__dirname, '../../data/plans');

/** What the plans refer to outside themselves: role ids, department ids, gauge station codes. */
export interface PlanReferences {
  roles: ReadonlySet<string>;
  departments: ReadonlySet<string>;
  stations: ReadonlySet<string>;
}

/** A plan file that cannot be used; the message names the file and the field. */
export class PlanFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`emergency plan ${file}: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'PlanFileError';
  }
}

/** Parses and checks one plan file; throws PlanFileError naming the file and the first wrong field. */
export function parsePlanFile(file: string, raw: string, refs: PlanReferences): Plan {
  const name = path.basename(file);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new PlanFileError(name, '', `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PlanFileError(name, issue.path.join('.'), issue.message);
  }
  const plan = parsed.data;
  if (`${plan.id}.json` !== name) throw new PlanFileError(name, 'id', `the id "${plan.id}" must equal the file name`);
  const where: [string, string, ReadonlySet<string>, string][] = [
    ['owner.departmentId', plan.owner.departmentId, refs.departments, 'department'],
    ...plan.tasks.map((t, i): [string, string, ReadonlySet<string>, string] => [
      `tasks.${i}.departmentId`,
      t.departmentId,
      refs.departments,
      'department',
    ]),
    ...plan.notify.flatMap((n, i) =>
      n.departmentIds.map((d, j): [string, string, ReadonlySet<string>, string] => [
        `notify.${i}.departmentIds.${j}`,
        d,
        refs.departments,
        'department',
      ]),
    ),
    ...(['I', 'II', 'III', 'IV'] as const).flatMap((l) =>
      plan.levels[l].declaredBy.map((r, j): [string, string, ReadonlySet<string>, string] => [
        `levels.${l}.declaredBy.${j}`,
        r,
        refs.roles,
        'role',
      ]),
    ),
    ...plan.triggers.flatMap((t, i) =>
      [...(t.when.gauge?.stations ?? []), ...(t.when.rainfall?.stations ?? [])].map(
        (s, j): [string, string, ReadonlySet<string>, string] => [
          `triggers.${i}.when.stations.${j}`,
          s,
          refs.stations,
          'gauge station',
        ],
      ),
    ),
  ];
  for (const [field, value, known, what] of where) {
    if (!known.has(value)) throw new PlanFileError(name, field, `unknown ${what} "${value}"`);
  }
  return plan;
}

/** Every plan of the folder, sorted by id; the first wrong file stops start-up with a PlanFileError. */
export function loadPlans(refs: PlanReferences, dir = PLANS_DIR): Plan[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (!files.length) throw new PlanFileError(dir, '', 'no plan files (*.json)');
  return files.map((f) => parsePlanFile(f, readFileSync(path.join(dir, f), 'utf8'), refs));
}
