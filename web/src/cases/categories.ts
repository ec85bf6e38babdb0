import type { CaseMinorCategory, CategoryTreeResponse } from '../../../contracts/cases';

export interface CategoryHit extends CaseMinorCategory {
  majorName: string;
}

/** Every 小类 of the tree with its 大类 name, 部件 first. */
export function flattenCategories(tree: CategoryTreeResponse): CategoryHit[] {
  return [...tree.component, ...tree.event].flatMap((major) => major.minors.map((m) => ({ ...m, majorName: major.name })));
}
