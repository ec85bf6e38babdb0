import { Router } from 'express';
import type { Capability } from '../http/capability';
import { adminRoutes } from './admin-routes';
import { authRoutes } from './session-routes';
import { apiTokenRoutes } from './token-routes';

/**
 * Sign-in, sessions, one's own API tokens, and the administration of users and departments. Their services
 * (gateway/auth/identity.ts) are built before start-up, because the access policy in front of every router needs
 * them; they reach the database when a request asks, with a 503 until it is ready.
 */
export const identityCapability: Capability = {
  name: 'identity',
  boot: (deps) => Router().use(authRoutes(deps)).use(apiTokenRoutes(deps)).use(adminRoutes(deps)),
};
