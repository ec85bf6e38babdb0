import { useEffect, useState } from 'react';
import type { CaseDetail, DuplicateCandidate } from '../../../contracts/cases';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { casesApi } from './api';
import { offeredEvents } from './events';

/**
 * 重复案件合并: open cases of the same 小类 near this one, each with a button that merges this case into it (作废 with
 * `duplicateOf`, recorded in both cases' history by the server). Shown only while this role may void the case.
 */
export function DuplicateMerge({ detail, onDone }: { detail: CaseDetail; onDone: (next: CaseDetail) => void }) {
  const { state, can } = useSession();
  const role = state.status === 'signed-in' ? state.user.role : '';
  const mayMerge = offeredEvents(detail, role, can).includes('void');
  const [candidates, setCandidates] = useState<DuplicateCandidate[] | null>(null);
  const [radiusM, setRadiusM] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setCandidates(null);
    if (!mayMerge) return;
    casesApi.duplicates(detail.place.lon, detail.place.lat, detail.categoryCode).then(
      (r) => {
        setRadiusM(r.radiusM);
        setCandidates(r.candidates.filter((c) => c.id !== detail.id));
      },
      (err: unknown) => setError(messageOf(err)),
    );
  }, [mayMerge, detail.id, detail.place.lon, detail.place.lat, detail.categoryCode]);
  if (!mayMerge || !candidates?.length) return error ? <p className="login-error">{error}</p> : null;
  const merge = async (into: DuplicateCandidate) => {
    try {
      const res = await casesApi.event(detail.id, 'void', { reason: `与案件 ${into.code} 重复，已合并`, duplicateOf: into.id });
      onDone(res);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section className="case-duplicates" data-testid="case-duplicates" aria-label="疑似重复案件">
      <h3>疑似重复案件（同一小类、{radiusM} 米内）</h3>
      <ul>
        {candidates.map((c) => (
          <li key={c.id}>
            <span>
              {c.code} · {c.description.slice(0, 24)} · 相距 {Math.round(c.distanceM)} 米
            </span>
            <button type="button" data-testid="merge-into" data-case-id={c.id} onClick={() => void merge(c)}>
              合并到此案件
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="login-error">{error}</p>}
    </section>
  );
}
