import { Router } from 'express';
import type { Capability } from '../http/capability';
import { cameraRoutes } from './camera-routes';
import { conferenceRoutes } from './conference-routes';

/** Cameras the caller may view, and conference recordings (the video itself goes over the socket: handlers.ts). */
export const mediaCapability: Capability = {
  name: 'media',
  ready: {
    paths: ['/cameras', '/conferences'],
    routes: ({ db }, deps) => Router().use(cameraRoutes(db, deps)).use(conferenceRoutes(deps)),
  },
};
