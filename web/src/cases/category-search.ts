import { match } from 'pinyin-pro';
import type { CategoryHit } from './categories';

/**
 * Finding a 小类 the way an inspector types on a phone: by name (`井盖`), by pinyin or its initials (`jinggai`,
 * `jg`, polyphones such as 行道树 `xingdao`/`hangdao` included), by code (`sj0102`), and by everyday words
 * (`井盖丢了`, `红绿灯不亮`), which are compared with the 小类 names and their 立案标准. The categories used last
 * come first. Pure: the page keeps the recent list (localStorage) and calls this on every keystroke.
 */

/** Everyday words → the code table's words for them (what people say on the street vs. GB/T 30428.2). */
const EVERYDAY_WORDS: Readonly<Record<string, string>> = {
  丢了: '丢失',
  没了: '缺失',
  不见了: '丢失',
  被偷: '丢失',
  坏了: '破损',
  破了: '破损',
  垃圾桶: '果皮箱',
  红绿灯: '交通信号灯',
  摆摊: '流动摊贩',
  地摊: '流动摊贩',
  小摊: '流动摊贩',
  小贩: '流动摊贩',
  煤气: '燃气',
  漏气: '燃气泄漏',
  着火: '火灾',
  起火: '火灾',
  冒烟: '浓烟',
  塌了: '塌陷',
  大坑: '坑洞',
  爆管: '管道爆裂',
  下水道: '下水道堵塞',
  堵了: '堵塞',
  淹了: '积水',
  路滑: '积雪结冰',
  结冰: '积雪结冰',
  牛皮癣: '小广告',
  噪音: '噪声扰民',
  乱停车: '机动车乱停放',
  横幅: '违章悬挂广告',
  厕所: '公共厕所',
  树倒了: '树木倒伏',
};

/** How a word matched one category; lower is better. */
const Tier = {
  NameStart: 0,
  NameInside: 1,
  MajorOrCode: 2,
  /** Shares at least two characters in a row with the name. */
  NameWords: 3,
  /** Shares at least two characters in a row with the 立案标准 only. */
  StandardWords: 4,
} as const;
type Tier = (typeof Tier)[keyof typeof Tier];
const STRONG: Tier = Tier.MajorOrCode;
const MIN_SHARED = 2;

const isPinyin = (w: string) => /^[a-z]+$/i.test(w);

/** Length of the longest run of characters `a` and `b` share. */
export function longestShared(a: string, b: string): number {
  let best = 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        row[j] = prev[j - 1]! + 1;
        if (row[j]! > best) best = row[j]!;
      }
    }
    prev = row;
  }
  return best;
}

/** The word with its everyday parts also said in the code table's words (`井盖丢了` → `井盖丢了 井盖丢失`). */
export function withTableWords(word: string): string {
  let said = word;
  for (const [everyday, table] of Object.entries(EVERYDAY_WORDS)) said = said.split(everyday).join(table);
  return said === word ? word : `${word} ${said}`;
}

interface WordMatch {
  tier: Tier;
  /** Within a tier: where the name matched (exact and pinyin) or minus the shared length (everyday words). */
  order: number;
}

function matchWord(c: CategoryHit, word: string): WordMatch | null {
  const upper = word.toUpperCase();
  const name = c.name.toUpperCase();
  const at = name.indexOf(upper);
  if (at === 0) return { tier: Tier.NameStart, order: 0 };
  if (at > 0) return { tier: Tier.NameInside, order: at };
  if (isPinyin(word)) {
    const hit = match(c.name, word.toLowerCase(), { continuous: true });
    if (hit?.length) return { tier: hit[0] === 0 ? Tier.NameStart : Tier.NameInside, order: hit[0]! };
  }
  if (c.majorName.toUpperCase().includes(upper) || c.code.toUpperCase().includes(upper))
    return { tier: Tier.MajorOrCode, order: 0 };
  if (isPinyin(word)) {
    return match(c.majorName, word.toLowerCase(), { continuous: true }) ? { tier: Tier.MajorOrCode, order: 1 } : null;
  }
  if (word.length < MIN_SHARED) return null;
  const said = withTableWords(word);
  const inName = longestShared(said, c.name);
  if (inName >= MIN_SHARED) return { tier: Tier.NameWords, order: -inName - longestShared(said, c.filingStandard) / 100 };
  const inStandard = longestShared(said, c.filingStandard);
  if (inStandard >= MIN_SHARED) return { tier: Tier.StandardWords, order: -inStandard };
  return null;
}

export interface CategorySearchOptions {
  /** Codes of the categories used last, most recent first. */
  recent?: readonly string[];
  limit?: number;
}

/**
 * The 小类 matching every word typed, best first: those matching by name, pinyin, 大类 or code, the recently used
 * among them first; then those found by everyday words, again recent first. An empty search lists the recent
 * categories, then all the others in table order.
 */
export function searchCategories(
  all: readonly CategoryHit[],
  text: string,
  { recent = [], limit = 50 }: CategorySearchOptions = {},
): CategoryHit[] {
  const recency = (c: CategoryHit) => {
    const i = recent.indexOf(c.code);
    return i < 0 ? recent.length : i;
  };
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return all
      .map((c, i) => ({ c, i }))
      .sort((a, b) => recency(a.c) - recency(b.c) || a.i - b.i)
      .slice(0, limit)
      .map(({ c }) => c);
  }
  const hits: { c: CategoryHit; tier: Tier; order: number; recent: number }[] = [];
  for (const c of all) {
    const matches = words.map((w) => matchWord(c, w));
    if (!matches.every((m) => m !== null)) continue;
    // A category is as good as its weakest word.
    const worst = matches.reduce((a, b) => (b.tier > a.tier ? b : a));
    hits.push({ c, tier: worst.tier, order: worst.order, recent: recency(c) });
  }
  const strength = (t: Tier) => (t <= STRONG ? 0 : 1);
  return hits
    .sort(
      (a, b) =>
        strength(a.tier) - strength(b.tier) ||
        a.recent - b.recent ||
        a.tier - b.tier ||
        a.order - b.order ||
        a.c.code.localeCompare(b.c.code),
    )
    .slice(0, limit)
    .map((h) => h.c);
}

/** The recent list after `code` was chosen: it moves to the front, at most `max` kept. */
export function rememberRecent(recent: readonly string[], code: string, max = 5): string[] {
  return [code, ...recent.filter((c) => c !== code)].slice(0, max);
}
