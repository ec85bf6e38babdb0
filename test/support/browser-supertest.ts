/**
 * supertest as the web client's same-origin fetch calls the gateway: every request carries `Sec-Fetch-Site:
 * same-origin`, and every state-changing one the page's `Origin` (the test server's own origin), as browsers send
 * them. jest.config.js maps `supertest` here, so every suite talks to the gateway the way the browser does; a test
 * of a cross-site or non-browser request overrides them (`.set('Origin', …)`, `.unset('Origin')`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actual = require('supertest/index.js') as typeof import('supertest');

const STATE_CHANGING = new Set(['post', 'put', 'patch', 'delete', 'del']);

type Target = Parameters<typeof actual>[0];
type Options = Parameters<typeof actual>[1];

type Test = import('supertest').Test & {
  request(): unknown;
  url: string;
  get(field: string): string | undefined;
  _unset?: Set<string>;
};

function browserLike(app: Target, options?: Options): ReturnType<typeof actual> {
  const agent = actual(app, options);
  for (const [method, make] of Object.entries(agent) as [string, (url: string) => Test][]) {
    (agent as unknown as Record<string, (url: string) => Test>)[method] = (url: string) => {
      const test = make(url);
      test.set('Sec-Fetch-Site', 'same-origin');
      if (!STATE_CHANGING.has(method)) return test;
      // The server supertest starts gets its port only when the request is sent: the Origin is added then.
      const send = test.request.bind(test);
      test.request = () => {
        if (test.get('Origin') === undefined && !test._unset?.has('origin')) test.set('Origin', new URL(test.url).origin);
        return send();
      };
      return test;
    };
  }
  return agent;
}

module.exports = Object.assign(browserLike, actual);
