import { useEffect, useState } from 'react';

/** Pages of the signed-in shell, addressed by hash so they can be linked and left with Back. */
export type PageId =
  | 'map'
  | 'wall'
  | 'login'
  | 'admin'
  | 'audit'
  | 'deadletters'
  | 'planner'
  | 'video'
  | 'inspector'
  | 'cases'
  | 'evaluation'
  | 'conference';

export const PAGES: { id: PageId; label: string; hash: string; action: string | null }[] = [
  { id: 'map', label: '指挥一张图', hash: '', action: null },
  { id: 'wall', label: '指挥大屏', hash: '#wall', action: 'incident.read' },
  { id: 'login', label: '登录', hash: '#login', action: null },
  { id: 'admin', label: '用户/角色/部门管理', hash: '#admin', action: 'user.read' },
  { id: 'audit', label: '审计日志', hash: '#audit', action: 'audit.read' },
  { id: 'deadletters', label: '被拒收的推送', hash: '#deadletters', action: 'feed.dead_letters' },
  { id: 'planner', label: '空间查询与分析', hash: '#planner', action: 'analysis.run' },
  { id: 'video', label: '视频监控墙', hash: '#video', action: 'camera.view' },
  { id: 'conference', label: '视频会商', hash: '#conference', action: 'conference.join' },
  { id: 'inspector', label: '监督员', hash: '#inspector', action: 'case.inspect' },
  { id: 'cases', label: '城管案件', hash: '#cases', action: 'case.read' },
  { id: 'evaluation', label: '城管评价', hash: '#evaluation', action: 'case.evaluate' },
];

const pageOf = (hash: string): PageId => PAGES.find((p) => p.hash && p.hash === hash)?.id ?? 'map';

export function goTo(page: PageId): void {
  const hash = PAGES.find((p) => p.id === page)?.hash ?? '';
  if (hash) window.location.hash = hash;
  else {
    window.history.pushState(null, '', window.location.pathname + window.location.search);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
}

export function useCurrentPage(): PageId {
  const [page, setPage] = useState(() => pageOf(window.location.hash));
  useEffect(() => {
    const sync = () => setPage(pageOf(window.location.hash));
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  return page;
}
