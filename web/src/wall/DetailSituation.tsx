import { useState } from 'react';
import {
  INCIDENT_ACTION_LABELS,
  INCIDENT_STATE_LABELS,
  UNIT_STATUS_LABELS,
  UNIT_TYPE_LABELS,
  type Incident,
  type IncidentStep,
  type Unit,
} from '../../../contracts/incidents';
import { recentSteps, RECENT_STEPS } from './detail-rules';
import { clockTime } from './format';
import { UNIT_LOOK } from './look';
import './detail.css';

const STEP_ACTION_LABELS: Record<IncidentStep['action'], string> = { open: '立案', ...INCIDENT_ACTION_LABELS };

/**
 * What has been done about an incident, at the top of its detail so that it is in view without scrolling on a 1080p
 * screen: the units dispatched to it (callsign, type, status) and the latest steps of its timeline.
 */
export function DetailSituation({ incident: inc, units }: { incident: Incident; units: ReadonlyMap<string, Unit> }) {
  const [all, setAll] = useState(false);
  const { shown, earlier } = recentSteps(inc.steps, all);
  return (
    <div className="wall-situation">
      <section className="wall-block wall-situation-units" aria-label="已派力量" data-testid="detail-assigned">
        <h3>已派力量（{inc.unitIds.length}）</h3>
        {inc.unitIds.length === 0 ? (
          <p className="muted">尚未派遣力量</p>
        ) : (
          <ul className="wall-units">
            {inc.unitIds.map((id) => {
              const u = units.get(id);
              return (
                <li key={id} data-testid="assigned-unit" data-unit-id={id} data-status={u?.status ?? ''}>
                  {u ? (
                    <>
                      <span className="wall-unit-dot" style={{ background: UNIT_LOOK[u.type].color }} aria-hidden="true" />
                      <strong>{u.callsign}</strong>
                      <span className="muted">{UNIT_TYPE_LABELS[u.type]}</span>
                      <span className={`wall-unit-status unit-${u.status}`}>{UNIT_STATUS_LABELS[u.status]}</span>
                    </>
                  ) : (
                    <strong>{id}</strong>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section className="wall-block wall-situation-steps" aria-label="处置过程" data-testid="detail-timeline">
        <h3>
          处置过程（{inc.steps.length}）
          {inc.steps.length > RECENT_STEPS && (
            <button type="button" className="wall-small-button" onClick={() => setAll((v) => !v)} aria-expanded={all}>
              {all ? '只看最近' : `显示全部`}
            </button>
          )}
        </h3>
        {earlier > 0 && <p className="muted wall-steps-earlier">更早 {earlier} 步未显示</p>}
        <ol className="wall-steps">
          {shown.map((step, i) => (
            <li key={`${step.at}-${i}`} data-testid="incident-step" data-state={step.state}>
              <span className="wall-step-time">{clockTime(step.at)}</span>
              <span className="wall-step-what">
                {STEP_ACTION_LABELS[step.action] ?? step.action} → {INCIDENT_STATE_LABELS[step.state]}
              </span>
              {step.actor && <span className="muted">{step.actor}</span>}
              {step.note && <span className="wall-step-note">{step.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
