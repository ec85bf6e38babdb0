import { useEffect, useState } from 'react';
import type { StandingConference } from '../../../contracts/modes';
import { hashOfItem } from '../shell/routes';
import { modesApi } from './api';

/**
 * The standing conference of the current mode (战时: the air-defence headquarters), read again at every mode change:
 * its title, how many were invited, and the way straight into it (`#conference/<id>`: the conference page joins it).
 */
export function ConferenceChip({ modeKey }: { modeKey: string | null }) {
  const [conference, setConference] = useState<StandingConference | null>(null);
  useEffect(() => {
    if (!modeKey) return;
    const abort = new AbortController();
    modesApi.conference(abort.signal).then(setConference, () => setConference(null));
    return () => abort.abort();
  }, [modeKey]);
  if (!conference) return null;
  return (
    <a
      className="mode-conference"
      href={hashOfItem('conference', conference.id)}
      data-testid="mode-conference"
      title={conference.inviteUsers.join('、')}
    >
      常设会商：{conference.title} · 已邀请 {conference.inviteUsers.length} 人
    </a>
  );
}
