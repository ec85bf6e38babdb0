/**
 * Express-style route patterns as used in the policy file: literal segments, `:param` (one segment) and a
 * trailing `*splat` (one or more segments). Anything else is refused when the policy loads.
 */
export interface RoutePattern {
  method: string;
  path: string;
  /** The pattern with parameter names erased (`/api/x/:`, `/tiles/*`), for comparing with registered routes. */
  shape: string;
  test(path: string): boolean;
}

export function compileRoute(key: string): RoutePattern {
  const [method, path] = key.split(' ') as [string, string];
  const segments = path.split('/').slice(1);
  const parts = segments.map((seg, i) => {
    if (/^:[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) return { re: '[^/]+', shape: ':' };
    if (/^\*[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) {
      if (i !== segments.length - 1) throw new Error(`route "${key}": a *splat must be the last segment`);
      return { re: '.+', shape: '*' };
    }
    if (!/^[A-Za-z0-9._~-]*$/.test(seg)) throw new Error(`route "${key}": unsupported segment "${seg}"`);
    return { re: seg.replace(/[.]/g, '\\.'), shape: seg };
  });
  const re = new RegExp(`^/${parts.map((p) => p.re).join('/')}/?$`);
  return { method, path, shape: `/${parts.map((p) => p.shape).join('/')}`, test: (p) => re.test(p) };
}

/** The shape of an Express route path (`/users/:id` → `/users/:`), for the "every route is in the policy" check. */
export function routeShape(expressPath: string): string {
  return expressPath
    .split('/')
    .map((seg) => (seg.startsWith(':') ? ':' : seg.startsWith('*') ? '*' : seg))
    .join('/');
}
