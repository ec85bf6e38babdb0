/**
 * Digital city management (数字城管): cases (案件) of components (部件) and events (事件), their closed-loop
 * workflow, SLA clocks on a working calendar, photos, duplicate suggestion, evaluation and Open311. Browser-safe.
 *
 * One file per concern: code-tables.ts (kinds, categories, time limits, channels, photo stages), workflow.ts (states,
 * events, guards, THE transition table), paths.ts, inputs.ts (request schemas; `CaseEventInput<E>` per event),
 * views.ts (answers), evaluation.ts (综合评价), open311.ts (GeoReport v2 and channel keys).
 *
 * Endpoints (all JSON unless noted; actions in data/policy.json):
 *   GET  /api/cases/categories                    category tree (部件/事件 大类 → 小类)         case.read
 *   GET  /api/cases/calendar                      working calendar summary                     case.read
 *   GET  /api/cases                               case list (scoped by caseScope)              case.read
 *   POST /api/cases                               report a case (idempotent by idempotencyKey)  case.report
 *   GET  /api/cases/duplicates?lon&lat&category   open cases of the same 小类 nearby             case.read
 *   GET  /api/cases/:id                           case detail with steps, photos, SLA          case.read
 *   POST /api/cases/:id/{event}                   one workflow event (body: CASE_EVENT_INPUTS)   per event group
 *   POST /api/cases/photos?stage=&caseId=         upload one image (raw body, image/*)         case.photo
 *   GET  /api/cases/photos/:photoId/{view|thumb}  re-encoded derivative without metadata       case.read
 *   GET  /api/cases/photos/:photoId/original      original file (restricted)                   case.photo_original
 *   GET  /api/cases/evaluation?from&to&by         indicators by dimension                       case.evaluate
 *   GET  /api/cases/evaluation/roles?from&to      role indicators, weighted scores, grades      case.evaluate
 *   GET  /api/cases/evaluation/export?…&format=   CSV or Excel export                           case.evaluate
 *   POST /api/cases/channels                      issue an Open311 channel api_key             case.channel_admin
 *   GET  /open311/v2/services.json                Open311 GeoReport v2 (public)
 *   GET  /open311/v2/requests.json                Open311 GeoReport v2 (public)
 *   GET  /open311/v2/requests/:id.json            Open311 GeoReport v2 (public)
 *   POST /open311/v2/requests.json                Open311 GeoReport v2 (api_key of a channel)
 */

export * from './code-tables';
export * from './workflow';
export * from './paths';
export * from './inputs';
export * from './views';
export * from './evaluation';
export * from './open311';
