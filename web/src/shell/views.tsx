import type { ComponentType } from 'react';
import { AdminPage } from '../admin/AdminPage';
import { AuditPage } from '../admin/AuditPage';
import { DeadLettersPage } from '../admin/DeadLettersPage';
import { DutyPage } from '../duty/DutyPage';
import { CasesPage } from '../cases/CasesPage';
import { ConferencePage } from '../conference/ConferencePage';
import { EvaluationPage } from '../evaluation/EvaluationPage';
import { InspectorPage } from '../inspector/InspectorPage';
import { CommandMapPage } from '../map/CommandMapPage';
import { PlannerPage } from '../planner/PlannerPage';
import { EvacuationPage } from '../shelters/EvacuationPage';
import { ReplayPage } from '../replay/ReplayPage';
import { SharingPage } from '../sharing/SharingPage';
import { ReportsPage } from '../reports/ReportsPage';
import { SituationPage } from '../reports/SituationPage';
import { TaskBoardPage } from '../responses/TaskBoardPage';
import { VideoWallPage } from '../video/VideoWallPage';
import { WallPage } from '../wall/WallPage';
import { WarningsPage } from '../warnings/WarningsPage';
import type { ShownPage } from './routes';

/**
 * The component of each page of routes.ts (the login form is the shell's own). Kept apart from the table so that
 * the header's page menu, which every page draws, reads the table without importing every page.
 */
export const PAGE_VIEWS: Record<ShownPage, ComponentType> = {
  map: CommandMapPage,
  wall: WallPage,
  replay: ReplayPage,
  tasks: TaskBoardPage,
  warnings: WarningsPage,
  reports: ReportsPage,
  situation: SituationPage,
  duty: DutyPage,
  admin: AdminPage,
  audit: AuditPage,
  deadletters: DeadLettersPage,
  planner: PlannerPage,
  evacuation: EvacuationPage,
  sharing: SharingPage,
  video: VideoWallPage,
  conference: ConferencePage,
  inspector: InspectorPage,
  cases: CasesPage,
  evaluation: EvaluationPage,
};
