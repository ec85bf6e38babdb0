import type { ComponentType } from 'react';
import { AdminPage } from '../admin/AdminPage';
import { AuditPage } from '../admin/AuditPage';
import { DeadLettersPage } from '../admin/DeadLettersPage';
import { CasesPage } from '../cases/CasesPage';
import { ConferencePage } from '../conference/ConferencePage';
import { EvaluationPage } from '../evaluation/EvaluationPage';
import { InspectorPage } from '../inspector/InspectorPage';
import { CommandMapPage } from '../map/CommandMapPage';
import { PlannerPage } from '../planner/PlannerPage';
import { VideoWallPage } from '../video/VideoWallPage';
import { WallPage } from '../wall/WallPage';
import type { ShownPage } from './routes';

/**
 * The component of each page of routes.ts (the login form is the shell's own). Kept apart from the table so that
 * the header's page menu, which every page draws, reads the table without importing every page.
 */
export const PAGE_VIEWS: Record<ShownPage, ComponentType> = {
  map: CommandMapPage,
  wall: WallPage,
  admin: AdminPage,
  audit: AuditPage,
  deadletters: DeadLettersPage,
  planner: PlannerPage,
  video: VideoWallPage,
  conference: ConferencePage,
  inspector: InspectorPage,
  cases: CasesPage,
  evaluation: EvaluationPage,
};
