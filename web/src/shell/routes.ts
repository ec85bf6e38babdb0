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
  | 'conference'
  | 'replay'
  | 'tasks'
  | 'warnings'
  | 'reports'
  | 'situation'
  | 'duty'
  | 'evacuation'
  | 'sharing';

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
  { id: 'replay', label: '复盘', hash: '#replay', anyOf: ['replay.read'] },
  { id: 'tasks', label: '应急任务', hash: '#tasks', anyOf: ['response_task.work'] },
  { id: 'warnings', label: '预警发布', hash: '#warnings', anyOf: ['warning.publish'] },
  { id: 'reports', label: '信息报送', hash: '#reports', anyOf: ['report.read'] },
  { id: 'situation', label: '态势报告', hash: '#situation', anyOf: ['report.situation'] },
  { id: 'duty', label: '值班管理', hash: '#duty', anyOf: ['duty.manage', 'duty.handover', 'notify.read'] },
  { id: 'login', label: '登录', hash: '#login', anyOf: null },
  { id: 'admin', label: '用户/角色/部门管理', hash: '#admin', anyOf: ['user.read'] },
  { id: 'audit', label: '审计日志', hash: '#audit', anyOf: ['audit.read'] },
  { id: 'deadletters', label: '被拒收的推送', hash: '#deadletters', anyOf: ['feed.dead_letters'] },
  { id: 'planner', label: '空间查询与分析', hash: '#planner', anyOf: ['analysis.run'] },
  { id: 'evacuation', label: '疏散掩蔽方案', hash: '#evacuation', anyOf: ['evacuation.plan'] },
  { id: 'sharing', label: '信息资源目录', hash: '#sharing', anyOf: ['sharing.read'] },
  { id: 'video', label: '视频监控墙', hash: '#video', anyOf: ['camera.view'] },
  { id: 'conference', label: '视频会商', hash: '#conference', anyOf: ['conference.join'] },
  { id: 'inspector', label: '监督员', hash: '#inspector', anyOf: ['case.inspect', 'case.report'] },
  { id: 'cases', label: '城管案件', hash: '#cases', anyOf: ['case.read'] },
  { id: 'evaluation', label: '城管评价', hash: '#evaluation', anyOf: ['case.evaluate'] },
];

type Can = (action: string) => boolean;

const route = (id: PageId): PageRoute => PAGES.find((p) => p.id === id) ?? PAGES[0]!;

/**
 * The page an address names (an unknown hash, `#about` among them, is the map). A deep link names an item of the
 * page after a slash (`#conference/<id>`): the page is the part before it.
 */
export const pageOfHash = (hash: string): PageId => {
  const base = hash.split('/', 1)[0];
  return PAGES.find((p) => p.hash && p.hash === base)?.id ?? 'map';
};

/** The item a deep link names after its page (`#conference/<id>` → the id), or null. */
export function itemOfHash(hash: string): string | null {
  const slash = hash.indexOf('/');
  if (slash < 0) return null;
  try {
    return decodeURIComponent(hash.slice(slash + 1)) || null;
  } catch {
    return null;
  }
}

/** A deep link to an item of a page (`#conference/<id>`). */
export const hashOfItem = (page: PageId, item: string): string => `${hashOf(page)}/${encodeURIComponent(item)}`;

export const hashOf = (page: PageId): string => route(page).hash;

/** Whether a signed-in user with these actions may open the page. */
export function mayOpen(page: PageId, can: Can): boolean {
  const { anyOf } = route(page);
  return anyOf === null || anyOf.some(can);
}

/** A page drawn by its own component (the login form is the shell's). */
export type ShownPage = Exclude<PageId, 'login'>;

/**
 * What a signed-in user sees for the page the address names: that page if they may open it, the map for the login
 * form (they are signed in), else `forbidden`: 无权访问, naming who may open it, rather than another page.
 */
export const shownPage = (page: PageId, can: Can): ShownPage | 'forbidden' => {
  if (page === 'login') return 'map';
  return mayOpen(page, can) ? page : 'forbidden';
};

/** The table's row of a page: its label and the actions that open it. */
export const pageRoute = (page: PageId): PageRoute => route(page);

/** The pages offered in a signed-in user's page menu: those they may open, but the one they are on. */
export const menuPages = (can: Can, current?: PageId): PageRoute[] =>
  PAGES.filter((p) => p.id !== current && p.id !== 'login' && mayOpen(p.id, can));

/** The page a role works on all day, where its users land after signing in (when they may open it). */
const HOME_BY_ROLE: Partial<Record<SessionUser['role'], PageId>> = {
  wall: 'wall',
  inspector: 'inspector',
  // 处置部门 staff sign in on a phone or a desk to take and answer their cases.
  handler: 'cases',
};

/** Where a user lands after signing in: their role's working page when they may open it, else the map. */
export function homePage(user: SessionUser, can: Can): PageId {
  const home = HOME_BY_ROLE[user.role];
  return home && mayOpen(home, can) ? home : 'map';
}
