import { useCallback, useState } from 'react';
import { messageOf } from '../api/http';

export interface Task {
  busy: boolean;
  error: string | null;
  setBusy(busy: boolean): void;
  setError(error: string | null): void;
  /** Runs one request of the page: busy meanwhile, its failure shown as the page's error. */
  run(what: () => Promise<void>): Promise<void>;
}

/** The planner page's one busy flag and error line, shared by its panels. */
export function useTask(): Task {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setBusy, setError, run };
}
