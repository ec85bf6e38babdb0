import type { SessionUser } from '../../contracts/identity';
import { homePage, menuPages, pageOfHash, PAGES, shownPage } from '../../web/src/shell/routes';

const actions =
  (...list: string[]) =>
  (action: string) =>
    list.includes(action);
const user = (role: SessionUser['role']) => ({ role }) as SessionUser;

describe('the page table', () => {
  test('each page has its own address; unknown hashes and #about are the map', () => {
    const hashes = PAGES.map((p) => p.hash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(pageOfHash('#planner')).toBe('planner');
    expect(pageOfHash('#about')).toBe('map');
    expect(pageOfHash('#nonsense')).toBe('map');
  });

  test('the menu offers exactly the pages the router opens', () => {
    // A hotline operator reports cases (case.report) without verifying them (case.inspect).
    const can = actions('incident.read', 'case.read', 'case.report', 'case.evaluate', 'feed.dead_letters');
    expect(menuPages(can).map((p) => p.id)).toEqual(['map', 'wall', 'deadletters', 'inspector', 'cases', 'evaluation']);
    for (const page of PAGES) {
      if (page.id === 'login') continue;
      const opens = shownPage(page.id, can) === page.id;
      expect([page.id, opens]).toEqual([page.id, menuPages(can).some((p) => p.id === page.id)]);
    }
    expect(menuPages(can, 'cases').some((p) => p.id === 'cases')).toBe(false);
  });

  test('a page the actions do not open, and the login form, show the map to a signed-in user', () => {
    const can = actions('case.read');
    expect(shownPage('admin', can)).toBe('map');
    expect(shownPage('login', can)).toBe('map');
    expect(shownPage('cases', can)).toBe('cases');
  });

  test('wall devices land on 指挥大屏 and inspectors on their page, when they may open it', () => {
    expect(homePage(user('wall'), actions('incident.read'))).toBe('wall');
    expect(homePage(user('wall'), actions())).toBe('map');
    expect(homePage(user('inspector'), actions('case.inspect'))).toBe('inspector');
    expect(homePage(user('dispatcher'), actions('incident.read', 'case.report'))).toBe('map');
  });
});
