import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AppDeps, ReadyState } from '../deps';

/**
 * A part of the platform reachable over HTTP (cases, incidents, tiles…): its routes, built once the services they
 * need exist. Each capability folder's `routes.ts` exports one; `gateway/capabilities.ts` lists them.
 */
export interface Capability {
  name: string;
  /** Routes that answer from the first request (health, about, sign-in): built at once from the app's deps. */
  boot?: (deps: AppDeps) => Router;
  /**
   * Routes that need the started platform. `paths` are the prefixes they answer (relative to where the capability
   * is mounted); until start-up has finished a request under one of them gets 503. `routes` is called once, with
   * the ready services, and its handlers take what they need from them by closure.
   */
  ready?: {
    paths: readonly string[];
    routes: (services: ReadyState, deps: AppDeps) => Router;
  };
  /** How the capability answers an error its own handlers pass on, when not as the rest of the API does (Open311). */
  errors?: ErrorRequestHandler;
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);

/**
 * The capability as one router: its boot routes, then a gate in front of its ready routes. While the platform
 * starts, the gate answers a request under the capability's paths with 503 (naming the start-up step) and passes
 * any other on; once started it hands every request to the router built from the ready services.
 */
export function mountCapability(capability: Capability, deps: AppDeps): Router {
  const r = Router();
  if (capability.boot) r.use(capability.boot(deps));
  const ready = capability.ready;
  if (!ready) return r;
  let built: Router | null = null;
  const gate: RequestHandler = (req, res, next) => {
    const services = deps.readiness.current;
    if (!services) {
      if (!ready.paths.some((p) => under(req.path, p))) return next();
      throw deps.readiness.startingError();
    }
    built ??= ready.routes(services, deps);
    built(req, res, next);
  };
  r.use(gate);
  if (capability.errors) r.use([...ready.paths], capability.errors);
  return r;
}

/** Every router of a capability, built from given services: for checks that walk the registered routes. */
export function routersOf(capability: Capability, deps: AppDeps, services: ReadyState): Router[] {
  return [capability.boot?.(deps), capability.ready?.routes(services, deps)].filter((r): r is Router => r !== undefined);
}
