import type { SessionUser } from '../../../contracts/identity';

/**
 * The pages of the app, addressed by hash so they can be linked and left with Back, each with the policy actions
 * that open it (any one of them; the signed-in user's actions come with the session from data/policy.json). The
 * router and the header's page menu both read this one table.
 */
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

export interface PageRoute {
  id: PageId;
  label: string;
  /** `#wall`…; the map is the page without a hash. */
  hash: string;
  /** Policy actions any one of which opens the page; null: open to everyone, visitors too. */
  anyOf: readonly string[] | null;
}

export const PAGES: readonly PageRoute[] = [
  { id: 'map', label: '指挥一张图', hash: '', anyOf: null },
  { id: 'wall', label: '指挥大屏', hash: '#wall', anyOf: ['incident.read'] },
  { id: 'login', label: '登录', hash: '#login', anyOf: null },
  { id: 'admin', label: '用户/角色/部门管理', hash: '#admin', anyOf: ['user.read'] },
  { id: 'audit', label: '审计日志', hash: '#audit', anyOf: ['audit.read'] },
  { id: 'deadletters', label: '被拒收的推送', hash: '#deadletters', anyOf: ['feed.dead_letters'] },
  { id: 'planner', label: '空间查询与分析', hash: '#planner', anyOf: ['analysis.run'] },
  { id: 'video', label: '视频监控墙', hash: '#video', anyOf: ['camera.view'] },
  { id: 'conference', label: '视频会商', hash: '#conference', anyOf: ['conference.join'] },
  { id: 'inspector', label: '监督员', hash: '#inspector', anyOf: ['case.inspect', 'case.report'] },
  { id: 'cases', label: '城管案件', hash: '#cases', anyOf: ['case.read'] },
  { id: 'evaluation', label: '城管评价', hash: '#evaluation', anyOf: ['case.evaluate'] },
];

type Can = (action: string) => boolean;

const route = (id: PageId): PageRoute => PAGES.find((p) => p.id === id) ?? PAGES[0]!;

/** The page an address names (an unknown hash, `#about` among them, is the map). */
export const pageOfHash = (hash: string): PageId => PAGES.find((p) => p.hash && p.hash === hash)?.id ?? 'map';

export const hashOf = (page: PageId): string => route(page).hash;

/** Whether a signed-in user with these actions may open the page. */
export function mayOpen(page: PageId, can: Can): boolean {
  const { anyOf } = route(page);
  return anyOf === null || anyOf.some(can);
}

/** A page drawn by its own component (the login form is the shell's). */
export type ShownPage = Exclude<PageId, 'login'>;

/** What a signed-in user sees for the page the address names: that page if they may open it, else the map. */
export const shownPage = (page: PageId, can: Can): ShownPage => (page !== 'login' && mayOpen(page, can) ? page : 'map');

/** The pages offered in a signed-in user's page menu: those they may open, but the one they are on. */
export const menuPages = (can: Can, current?: PageId): PageRoute[] =>
  PAGES.filter((p) => p.id !== current && p.id !== 'login' && mayOpen(p.id, can));

/**
 * Where a user lands after signing in: wall devices on 指挥大屏 and field inspectors on their phone page (when
 * they may open it), everyone else on the map.
 */
export function homePage(user: SessionUser, can: Can): PageId {
  if (user.role === 'wall' && mayOpen('wall', can)) return 'wall';
  if (user.role === 'inspector' && mayOpen('inspector', can)) return 'inspector';
  return 'map';
}
