import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REPORT_KINDS, type ReportKind } from '../../contracts/reports';
import type { templateFields } from './facts';

export type TemplateField = keyof ReturnType<typeof templateFields>;

/** Every field a template may use: what facts.ts templateFields fills in. */
export const TEMPLATE_FIELDS: readonly TemplateField[] = [
  'drill',
  'plan',
  'level',
  'number',
  'startedAt',
  'endedAt',
  'endNote',
  'reason',
  'declaredBy',
  'asOf',
  'clerk',
  'event',
  'incidentCount',
  'incidents',
  'casualties',
  'dispatches',
  'unitsAtWork',
  'unitsOnScene',
  'unitsByType',
  'unitStates',
  'tasksTotal',
  'tasksDone',
  'tasksOpen',
  'tasksOverdue',
  'taskLines',
  'changes',
];

const template = z.object({ title: z.string().min(1).max(200), body: z.array(z.string()).min(1) }).strict();
const fileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.number().int().min(1),
    sender: z.string().min(1),
    templates: z.object({ initial: template, update: template, final: template }).strict(),
  })
  .strict();
export type ReportTemplates = z.infer<typeof fileSchema>;

export const TEMPLATES_FILE = path.resolve(__dirname, '../../data/reports/templates.json');

/** Reads and checks the templates; an error names the file and the field, and an unknown `{{field}}` is one. */
export function loadReportTemplates(file = TEMPLATES_FILE): ReportTemplates {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`report templates ${path.basename(file)}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const known = new Set<string>(TEMPLATE_FIELDS);
  for (const kind of REPORT_KINDS) {
    const t = parsed.data.templates[kind];
    [t.title, ...t.body].forEach((line, i) => {
      for (const m of line.matchAll(/\{\{(\w+)\}\}/g)) {
        if (!known.has(m[1]!)) {
          const field = i === 0 ? 'title' : `body.${i - 1}`;
          throw new Error(`report templates ${path.basename(file)}: templates.${kind}.${field}: unknown field {{${m[1]}}}`);
        }
      }
    });
  }
  return parsed.data;
}

/** The template of a kind with its fields filled in. */
export function renderReport(
  templates: ReportTemplates,
  kind: ReportKind,
  fields: Record<TemplateField, string>,
): { title: string; body: string } {
  const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => fields[name as TemplateField]);
  const t = templates.templates[kind];
  return { title: fill(t.title).trim(), body: t.body.map(fill).join('\n').trim() };
}
