import { useEffect } from 'react';
import type { ModeProfile } from '../../../contracts/incidents';
import { unknownIds } from '../wall/mode-view';

/**
 * Layer and panel ids of data/modes.json the wall does not know, reported when the profiles arrive: all of them on the
 * console, and those of the mode on now on the wall itself, so that a profile that promises more than the wall can
 * show is seen at once rather than silently showing less.
 */
export function LayoutNotice({ profiles, current }: { profiles: readonly ModeProfile[]; current: string | null }) {
  const unknown = unknownIds(profiles);
  const all = unknown.map((u) => `${u.mode} ${u.kind} ${u.id}`).join(', ');
  useEffect(() => {
    if (all) console.warn(`data/modes.json names layers or panels the wall does not know: ${all}`);
  }, [all]);
  const here = unknown.filter((u) => u.mode === current);
  if (!here.length) return null;
  return (
    <p className="mode-layout-notice" role="alert" data-testid="mode-layout-notice">
      本模式配置中有大屏尚未支持的图层或面板（未显示）：{here.map((u) => `${u.kind} ${u.id}`).join('、')}
    </p>
  );
}
