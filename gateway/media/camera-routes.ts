import { Router } from 'express';
import {
  nearestCamerasQuery,
  type Camera,
  type CameraLink,
  type CameraList,
  type MediaStatus,
  type NearestCamera,
} from '../../contracts/media';
import { loadCameraFile } from '../../media/cameras/catalog';
import { camerasByDistance, listCameras, type CameraRecord } from '../../media/cameras/store';
import { identityOf } from '../auth/identity';
import { principalOf } from '../auth/request';
import type { Db } from '../../geo/db/types';
import type { AppDeps } from '../deps';
import { parseInput } from '../http/errors';
import { cameraAccess } from './access';

const toCamera = ({ source: _source, ...camera }: CameraRecord): Camera => camera;

/** A camera's link without a video service in this process. */
const offline = (status: MediaStatus): CameraLink => ({
  online: false,
  state: 'offline',
  reason: `视频服务不可用：${status.reason ?? '没有媒体进程'}`,
});

/**
 * `GET /api/cameras`: the cameras the caller may view (by the policy's camera groups and the caller's area), the
 * video wall's presets per mode cut to those cameras, whether live video is available, and each camera's link (在线 /
 * 离线, from the video service's rooms and ingests).
 * `GET /api/cameras/nearest?lon=&lat=&limit=`: the nearest of those cameras to a point, with distances in metres.
 */
export function cameraRoutes(db: Db, deps: AppDeps): Router {
  const r = Router();
  const presets = loadCameraFile().presets;
  const video = (): MediaStatus =>
    deps.media?.status() ?? { workers: 0, reason: 'the video service is not started in this process' };

  r.get('/cameras', async (req, res) => {
    const principal = principalOf(req);
    const policy = identityOf(deps).policy;
    const records = (await listCameras(db)).filter((c) => cameraAccess(policy, principal, c).allowed);
    const links = deps.media ? await deps.media.service.cameraLinks(records) : new Map<string, CameraLink>();
    const cameras = records.map((c) => ({ ...toCamera(c), link: links.get(c.id) ?? offline(video()) }));
    const visible = new Set(cameras.map((c) => c.id));
    const body: CameraList = {
      cameras,
      presets: Object.fromEntries(
        Object.entries(presets).map(([mode, p]) => [mode, { ...p, cameras: p.cameras.filter((id) => visible.has(id)) }]),
      ),
      video: video(),
    };
    res.json(body);
  });

  r.get('/cameras/nearest', async (req, res) => {
    const { lon, lat, limit } = parseInput(nearestCamerasQuery, req.query, 'invalid_coordinates');
    const principal = principalOf(req);
    const policy = identityOf(deps).policy;
    const near = (await camerasByDistance(db, lon, lat)).filter((c) => cameraAccess(policy, principal, c).allowed);
    const cameras: NearestCamera[] = near.slice(0, limit).map((c) => ({ ...toCamera(c), distanceM: c.distanceM }));
    res.json({ cameras });
  });

  return r;
}
