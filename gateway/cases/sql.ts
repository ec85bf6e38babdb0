import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseScope } from './context';

/** Reads one of the SQL files beside this module (once, at load). */
export const caseSql = (name: string): string => readFileSync(path.join(__dirname, name), 'utf8');

/**
 * Puts a case-scope predicate where a statement says `$scope`, its `$n` renumbered to follow the statement's own
 * `offset` parameters; pass `[...params, ...scope.params]`. A statement without the marker is refused, so a scope is
 * never dropped silently.
 */
export function withScope(sql: string, scope: CaseScope, offset: number): string {
  if (!sql.includes('$scope')) throw new Error('the statement has no $scope marker');
  const predicate = scope.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`);
  return sql.replaceAll('$scope', () => `(${predicate})`);
}
