import type { CaseMinorCategory, CategoryTreeResponse } from '../../../contracts/cases';

export interface CategoryHit extends CaseMinorCategory {
  majorName: string;
}

/** Every 小类 of the tree with its 大类 name, 部件 first. */
export function flattenCategories(tree: CategoryTreeResponse): CategoryHit[] {
  return [...tree.component, ...tree.event].flatMap((major) => major.minors.map((m) => ({ ...m, majorName: major.name })));
}

/**
 * 小类 matching the words typed (all of them, in the 小类 name, the 大类 name or the code), names starting with
 * the text first. An empty search lists everything.
 */
export function searchCategories(all: readonly CategoryHit[], text: string, limit = 50): CategoryHit[] {
  const words = text.trim().toUpperCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return all.slice(0, limit);
  const hits = all.filter((c) => {
    const hay = `${c.name} ${c.majorName} ${c.code}`.toUpperCase();
    return words.every((w) => hay.includes(w));
  });
  const first = words[0]!;
  const rank = (c: CategoryHit) => (c.name.toUpperCase().startsWith(first) ? 0 : c.name.toUpperCase().includes(first) ? 1 : 2);
  return hits.sort((a, b) => rank(a) - rank(b) || a.code.localeCompare(b.code)).slice(0, limit);
}
