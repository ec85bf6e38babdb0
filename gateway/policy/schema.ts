import { z } from 'zod';
import { DEPARTMENT_KINDS, ROLE_IDS } from '../../contracts/identity';
import { FEED_SOURCES, SYSTEM_MODES } from '../../contracts/incidents';
import { CLIENT_EVENTS } from '../../contracts/realtime';
import { compileRoute } from './route-pattern';

/** The shape of `data/policy.json`; cross-references (roles, actions, events) are checked in `checkReferences`. */
const id = z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'ids are dotted lower-case words, e.g. "user.create"');
const minutes = z.number().int().positive();
const sessionRules = z.object({ idleMinutes: minutes.nullable(), absoluteMinutes: minutes }).strict();

const action = z
  .object({
    label: z.string().min(1),
    public: z.literal(true).optional(),
    allow: z.array(z.string()).min(1).optional(),
    /**
     * Grants that replace `allow` while a system mode (data/modes.json) is on: e.g. siren control for more roles in
     * 战时. An empty list suspends the action in that mode. Modes not named keep `allow`.
     */
    modes: z.partialRecord(z.enum(SYSTEM_MODES), z.array(z.string())).optional(),
    /** Changes state: never granted to device (read-only) accounts. */
    mutates: z.boolean().default(false),
    /** `command`: the HTTP middleware writes the audit row before the handler runs; `inline`: the handler does, in its transaction. */
    audit: z.enum(['command', 'inline']).optional(),
    /** Does not count as activity for the idle timeout. */
    passive: z.boolean().default(false),
    /** Still allowed while the account must change its initial password. */
    beforePasswordChange: z.boolean().default(false),
  })
  .strict();

export const policyFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    roles: z.record(
      z.string(),
      z.object({ name: z.string().min(1), privileged: z.boolean().default(false), device: z.boolean().default(false) }).strict(),
    ),
    sessions: z.object({ person: sessionRules, device: sessionRules }).strict(),
    lockout: z.object({ maxFailures: z.number().int().min(1), windowMinutes: minutes, lockMinutes: minutes }).strict(),
    /** Failed logins per source address, whatever the login name (gateway/auth/lockout.ts). */
    sourceLockout: z.object({ maxFailures: z.number().int().min(1), windowMinutes: minutes, lockMinutes: minutes }).strict(),
    loginRateLimit: z.object({ perIp: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).strict(),
    password: z
      .object({
        minLength: z.number().int().min(8),
        minClasses: z.number().int().min(1).max(4),
        /** The lowest zxcvbn score (0–4) accepted. */
        minStrength: z.number().int().min(0).max(4),
        /** How many earlier passwords of an account may not be used again. */
        history: z.number().int().min(0).max(24),
      })
      .strict(),
    actions: z.record(id, action),
    http: z.record(z.string(), id),
    socket: z.record(z.string(), id),
    layers: z.record(z.string().regex(/^[a-z0-9_-]+$/), z.array(z.string())),
    cameras: z.object({ default: id, groups: z.record(z.string().regex(/^[a-z0-9_-]+$/), z.array(z.string())) }).strict(),
    roadConditions: z.object({ $comment: z.string().optional(), liftAny: z.array(z.string()) }).strict(),
    unitWrite: z
      .object({
        $comment: z.string().optional(),
        /** The command centre: any unit. */
        all: z.array(z.string()),
        /** Per unit agency, who owns its units (handler departments of that kind). */
        agencies: z.partialRecord(z.enum(FEED_SOURCES), z.array(z.string())),
      })
      .strict(),
    caseScope: z.record(z.string(), z.enum(['all', 'department', 'own_reports_and_grid', 'none'])),
  })
  .strict();

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type ActionDef = z.infer<typeof action>;

/** Every cross-reference problem: unknown or missing roles, unknown actions, events, department kinds. */
export function checkReferences(p: PolicyFile): string[] {
  const problems: string[] = [];
  const roles = new Set(Object.keys(p.roles));
  for (const r of roles) if (!(ROLE_IDS as readonly string[]).includes(r)) problems.push(`roles: unknown role "${r}"`);
  for (const r of ROLE_IDS) if (!roles.has(r)) problems.push(`roles: role "${r}" is missing`);
  const deviceRoles = new Set([...roles].filter((r) => p.roles[r]?.device));
  const checkGrant = (where: string, g: string, mutates: boolean) => {
    if (g === '*') return;
    const [role, kind, extra] = g.split(':');
    if (extra !== undefined || !role || !roles.has(role)) problems.push(`${where}: unknown role in grant "${g}"`);
    if (kind !== undefined && !(DEPARTMENT_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${where}: unknown department kind in grant "${g}"`);
    }
    if (mutates && role && deviceRoles.has(role))
      problems.push(`${where}: device role "${role}" is read-only and cannot be granted a mutating action`);
  };
  for (const [name, a] of Object.entries(p.actions)) {
    if (!a.public === !a.allow) problems.push(`actions.${name}: give exactly one of "public": true or "allow": [...]`);
    for (const g of a.allow ?? []) checkGrant(`actions.${name}`, g, a.mutates);
    if (a.public && a.modes) problems.push(`actions.${name}: a public action cannot have per-mode grants`);
    for (const [mode, grants] of Object.entries(a.modes ?? {}))
      for (const g of grants ?? []) checkGrant(`actions.${name}.modes.${mode}`, g, a.mutates);
  }
  const known = (where: string, actionId: string) => {
    if (!p.actions[actionId]) problems.push(`${where}: unknown action "${actionId}"`);
  };
  for (const [route, a] of Object.entries(p.http)) {
    known(`http["${route}"]`, a);
    if (!/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/.test(route))
      problems.push(`http: "${route}" is not "METHOD /path" (GET, POST, PUT, PATCH or DELETE)`);
    else {
      try {
        compileRoute(route);
      } catch (err) {
        problems.push(`http: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  for (const [event, a] of Object.entries(p.socket)) {
    known(`socket["${event}"]`, a);
    if (!(CLIENT_EVENTS as readonly string[]).includes(event)) problems.push(`socket: unknown client event "${event}"`);
  }
  for (const event of CLIENT_EVENTS) if (!p.socket[event]) problems.push(`socket: client event "${event}" has no policy entry`);
  for (const [layer, grants] of Object.entries(p.layers)) for (const g of grants) checkGrant(`layers.${layer}`, g, false);
  known('cameras.default', p.cameras.default);
  for (const [group, grants] of Object.entries(p.cameras.groups))
    for (const g of grants) checkGrant(`cameras.groups.${group}`, g, false);
  for (const g of p.roadConditions.liftAny) checkGrant('roadConditions.liftAny', g, true);
  for (const g of p.unitWrite.all) checkGrant('unitWrite.all', g, true);
  for (const [agency, grants] of Object.entries(p.unitWrite.agencies))
    for (const g of grants ?? []) checkGrant(`unitWrite.agencies.${agency}`, g, true);
  for (const r of Object.keys(p.caseScope)) if (!roles.has(r)) problems.push(`caseScope: unknown role "${r}"`);
  for (const r of roles) if (!p.caseScope[r]) problems.push(`caseScope: role "${r}" has no case scope`);
  return problems;
}
