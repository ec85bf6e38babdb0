import { memo, useEffect, useState } from 'react';
import { DUTY_ROLE_LABELS, DUTY_ROLES, type DutyNowResponse } from '../../../contracts/duty';
import { dutyApi } from './api';
import './duty.css';
import { beijing } from '../ui/time';

/** Read again this often, and right after the next shift change. */
const REFRESH_MS = 60_000;

/** Who is on duty now, re-read every minute, at the next shift change and whenever `refreshKey` changes. */
function useDutyNow(refreshKey: unknown): { data: DutyNowResponse | null; error: string | null } {
  const [state, setState] = useState<{ data: DutyNowResponse | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    const abort = new AbortController();
    let boundary: number | undefined;
    const read = () =>
      dutyApi.now(abort.signal).then(
        (data) => {
          setState({ data, error: null });
          const next = data.departments
            .map((d) => (d.nextChangeAt ? Date.parse(d.nextChangeAt) : Infinity))
            .reduce((a, b) => Math.min(a, b), Infinity);
          window.clearTimeout(boundary);
          if (Number.isFinite(next)) boundary = window.setTimeout(() => void read(), Math.max(1000, next - Date.now() + 1000));
        },
        (err: unknown) => !abort.signal.aborted && setState((s) => ({ ...s, error: String(err) })),
      );
    void read();
    const timer = window.setInterval(() => void read(), REFRESH_MS);
    return () => {
      abort.abort();
      window.clearInterval(timer);
      window.clearTimeout(boundary);
    };
  }, [refreshKey]);
  return state;
}

/** 值班: per department on duty now (the command centre first), its 带班领导, 值班员 and 备班, and when they hand over. */
export const DutyPanel = memo(function DutyPanel({ refreshKey }: { refreshKey: unknown }) {
  const { data, error } = useDutyNow(refreshKey);
  const departments = data?.departments ?? [];
  return (
    <section className="wall-duty" data-testid="wall-panel-duty" aria-label="今日值班">
      <header className="wall-section-head">
        <h2>今日值班</h2>
        <span className="wall-queue-count">{departments.length} 个部门在岗</span>
      </header>
      {error && <p className="wall-duty-empty">值班表读取失败：{error}</p>}
      {!error && data && departments.length === 0 && <p className="wall-duty-empty">当前没有排班</p>}
      <ul className="wall-duty-list">
        {departments.map((d) => (
          <li key={d.departmentId} className="wall-duty-dept" data-department={d.departmentId}>
            <div className="wall-duty-name">
              <span>{d.departmentName}</span>
              {d.nextChangeAt && <span className="wall-duty-until">{beijing(d.nextChangeAt, 'hourMinute')} 交班</span>}
            </div>
            {DUTY_ROLES.map((role) => {
              const people = d.shifts.filter((s) => s.dutyRole === role);
              if (!people.length) return null;
              return (
                <div key={role} className={`wall-duty-role ${role}`}>
                  <span className="wall-duty-label">{DUTY_ROLE_LABELS[role]}</span>
                  <span className="wall-duty-people">{people.map((p) => p.userName).join('、')}</span>
                </div>
              );
            })}
          </li>
        ))}
      </ul>
    </section>
  );
});
