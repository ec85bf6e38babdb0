import { useMemo, useState } from 'react';
import { CASE_KIND_LABELS } from '../../../contracts/cases';
import type { CategoryHit } from '../cases/categories';
import { rememberRecent, searchCategories } from '../cases/category-search';

const RECENT_KEY = 'harbin-inspector-recent-categories';

function readRecent(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The 小类 chooser of the report form: search by name, pinyin, initials or everyday words; the categories this
 * phone chose last come first (kept in localStorage).
 */
export function CategoryPicker({
  categories,
  chosen,
  onChoose,
  error,
}: {
  categories: CategoryHit[];
  chosen: CategoryHit | null;
  onChoose: (c: CategoryHit) => void;
  error?: string;
}) {
  const [search, setSearch] = useState('');
  const [picking, setPicking] = useState(false);
  const [recent, setRecent] = useState(readRecent);
  const hits = useMemo(() => searchCategories(categories, search, { recent, limit: 30 }), [categories, search, recent]);

  const choose = (c: CategoryHit) => {
    const next = rememberRecent(recent, c.code);
    setRecent(next);
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
    setPicking(false);
    setSearch('');
    onChoose(c);
  };

  return (
    <section className="insp-card">
      <h2>类别</h2>
      {chosen && !picking ? (
        <button type="button" className="insp-chosen" data-testid="chosen-category" onClick={() => setPicking(true)}>
          <span>
            {CASE_KIND_LABELS[chosen.kind]} · {chosen.majorName} / <strong>{chosen.name}</strong>
          </span>
          <small>更换</small>
        </button>
      ) : (
        <>
          <input
            type="search"
            className="insp-input"
            data-testid="category-search"
            placeholder="搜索类别，如 井盖、jg、井盖丢了"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onFocus={() => setPicking(true)}
          />
          {picking && (
            <ul className="insp-category-list" data-testid="category-list">
              {hits.map((c) => (
                <li key={c.code}>
                  <button
                    type="button"
                    data-testid="category-option"
                    data-code={c.code}
                    data-recent={recent.includes(c.code)}
                    onClick={() => choose(c)}
                  >
                    <strong>
                      {c.name}
                      {recent.includes(c.code) && <em className="insp-recent">最近使用</em>}
                    </strong>
                    <small>
                      {CASE_KIND_LABELS[c.kind]} · {c.majorName} · {c.code}
                    </small>
                  </button>
                </li>
              ))}
              {hits.length === 0 && <li className="muted insp-empty">没有匹配的类别，可换个说法或输入拼音</li>}
            </ul>
          )}
        </>
      )}
      {error && (
        <p className="case-error" data-testid="error-category">
          {error}
        </p>
      )}
    </section>
  );
}
