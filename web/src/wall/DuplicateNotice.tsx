import { INCIDENT_CATEGORY_LABELS, type Incident } from '../../../contracts/incidents';

interface Props {
  /** The open incident it looks like, when that one is still in the queue. */
  original: Incident;
  canCommand: boolean;
  busy: boolean;
  /** Folds this incident into the original (one click). */
  onMerge: () => void;
}

/**
 * 疑似重复: the same agency reported an incident of the same category at the same place shortly before. Fusion never
 * merges one agency's reports (they may be two events), so the operator decides: one click folds this one into it.
 */
export function DuplicateNotice({ original, canCommand, busy, onMerge }: Props) {
  return (
    <section className="wall-duplicate" data-testid="duplicate-notice" data-original-id={original.id} aria-label="疑似重复">
      <p>
        <strong>疑似重复</strong>：与警情 #{original.id}（{INCIDENT_CATEGORY_LABELS[original.category] ?? original.category}{' '}
        {original.title}）同类、同地，由同一机构先后上报。
      </p>
      {canCommand && (
        <button
          type="button"
          className="wall-action primary-action"
          data-testid="duplicate-merge"
          disabled={busy}
          onClick={onMerge}
        >
          并入警情 #{original.id}
        </button>
      )}
    </section>
  );
}
