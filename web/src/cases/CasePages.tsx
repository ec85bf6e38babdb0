import type { ReactElement } from 'react';
import { EvaluationPage } from '../evaluation/EvaluationPage';
import type { PageId } from '../identity/pages';
import { InspectorPage } from '../inspector/InspectorPage';
import { CasesPage } from './CasesPage';

/** The 数字城管 page the address names, when the signed-in role may open it (null: not one of them). */
export function casePage(page: PageId, can: (action: string) => boolean): ReactElement | null {
  if (page === 'inspector' && (can('case.inspect') || can('case.report'))) return <InspectorPage />;
  if (page === 'cases' && can('case.read')) return <CasesPage />;
  if (page === 'evaluation' && can('case.evaluate')) return <EvaluationPage />;
  return null;
}
