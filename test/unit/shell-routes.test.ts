import type { SessionUser } from '../../contracts/identity';
import { hashOfItem, homePage, itemOfHash, menuPages, pageOfHash, PAGES, shownPage } from '../../web/src/shell/routes';

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

  test('a deep link names its page and an item of it', () => {
    const id = '0b6f2c0e-5d0a-4c1e-9f3a-2a7d1c9e4b10';
    expect(hashOfItem('conference', id)).toBe(`#conference/${id}`);
    expect(pageOfHash(`#conference/${id}`)).toBe('conference');
    expect(itemOfHash(`#conference/${id}`)).toBe(id);
    expect(itemOfHash('#conference')).toBeNull();
    expect(itemOfHash('#conference/')).toBeNull();
    expect(itemOfHash('#conference/%E0%A4%A')).toBeNull();
    expect(pageOfHash('#nonsense/x')).toBe('map');
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

  test('a page the actions do not open says 无权访问; the login form shows a signed-in user the map', () => {
    const can = actions('case.read');
    expect(shownPage('admin', can)).toBe('forbidden');
    expect(shownPage('audit', can)).toBe('forbidden');
    expect(shownPage('map', can)).toBe('map');
    expect(shownPage('login', can)).toBe('map');
    expect(shownPage('cases', can)).toBe('cases');
  });

  test('wall devices land on 指挥大屏, inspectors on their page and handlers on their cases, when they may open them', () => {
    expect(homePage(user('wall'), actions('incident.read'))).toBe('wall');
    expect(homePage(user('wall'), actions())).toBe('map');
    expect(homePage(user('inspector'), actions('case.inspect'))).toBe('inspector');
    expect(homePage(user('dispatcher'), actions('incident.read', 'case.report'))).toBe('map');
    expect(homePage(user('handler'), actions('case.read'))).toBe('cases');
    expect(homePage(user('handler'), actions())).toBe('map');
  });
});
