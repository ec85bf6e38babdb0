import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  nearestKindQuery,
  nearestOptionsQuery,
  pointQuery,
  roadConditionIdParam,
  roadConditionInput,
  routeQuery,
  type ErrorCode,
} from '../../contracts';
import { RoutingError, type RoutingFailure } from '../../geo/routing/errors';
import type { RoutingService } from '../../geo/routing/service';
import { principalOf } from '../auth/request';
import type { Policy } from '../policy/policy';
import { AppError, parseInput } from '../http/errors';

/** Each routing failure as an API error; all of them are about the request, none is a server fault. */
const FAILURE_CODE: Record<RoutingFailure, ErrorCode> = {
  outside_area: 'outside_area',
  far_from_road: 'far_from_road',
  unreachable: 'unreachable',
  unknown_edge: 'not_found',
  unknown_condition: 'not_found',
  already_cleared: 'conflict',
};

type Handler = (req: Request, res: Response) => Promise<void> | void;

/** Runs a handler, turning a RoutingError into the matching AppError. */
const withRouting =
  (handler: Handler) =>
  async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      next(err instanceof RoutingError ? new AppError(FAILURE_CODE[err.reason], err.message) : err);
    }
  };

/**
 * Drive-time routing over the road network: nearest facilities, point-to-point routes and live road
 * conditions. The condition writes are plain handlers on their own paths, so an authorisation policy
 * mounted in front of `/geo/road-conditions` guards them without changes here.
 */
export function routingRoutes(routing: RoutingService, policy: Policy): Router {
  const r = Router();

  r.get(
    '/geo/nearest',
    withRouting(async (req, res) => {
      const { kind } = parseInput(nearestKindQuery, { kind: req.query.kind }, 'unknown_kind');
      const { lon, lat } = parseInput(pointQuery, req.query, 'invalid_coordinates');
      const { k, by } = parseInput(nearestOptionsQuery, req.query);
      const result =
        by === 'drive' ? await routing.nearestByDrive(lon, lat, kind, k) : await routing.nearestStraight(lon, lat, kind, k);
      res.json(result);
    }),
  );

  r.get(
    '/geo/route',
    withRouting((req, res) => {
      const { from, to } = parseInput(routeQuery, req.query, 'invalid_coordinates');
      res.json(routing.route(from, to));
    }),
  );

  r.get(
    '/geo/road-conditions',
    withRouting(async (_req, res) => {
      res.json({ conditions: await routing.listConditions() });
    }),
  );

  r.post(
    '/geo/road-conditions',
    withRouting(async (req, res) => {
      const input = parseInput(roadConditionInput, req.body ?? {});
      const p = principalOf(req);
      const ownerDepartment = policy.roadConditionOwner(p, p.department?.id ?? null);
      res.status(201).json(await routing.addCondition(input, { ownerDepartment }));
    }),
  );

  r.delete(
    '/geo/road-conditions/:id',
    withRouting(async (req, res) => {
      const { id } = parseInput(roadConditionIdParam, req.params);
      const p = principalOf(req);
      const mayLift = (owner: string | null) => {
        const decision = policy.liftRoadCondition(p, p.department?.id ?? null, owner);
        if (!decision.allowed) throw new AppError(decision.code, decision.reason, { condition: id });
      };
      res.json(await routing.clearCondition(id, mayLift));
    }),
  );

  return r;
}
