import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Policy } from './policy';
import { checkReferences, policyFileSchema } from './schema';

export const POLICY_FILE = path.resolve(__dirname, '..', '..', 'data', 'policy.json');

/** Parses and checks a policy document; every problem is listed in the error, none is silently ignored. */
export function parsePolicy(doc: unknown, source = 'policy'): Policy {
  const parsed = policyFileSchema.safeParse(doc);
  if (!parsed.success) throw new Error(`${source} is invalid:\n${z.prettifyError(parsed.error)}`);
  const problems = checkReferences(parsed.data);
  if (problems.length) throw new Error(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  return new Policy(parsed.data);
}

let cached: Policy | null = null;

/** The platform's policy, read once from `data/policy.json`. */
export function loadPolicy(file = POLICY_FILE): Policy {
  if (file !== POLICY_FILE) return parsePolicy(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  cached ??= parsePolicy(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  return cached;
}
