import { useState, type FormEvent } from 'react';
import { ROLE_IDS, type RoleId } from '../../../contracts/identity';
import type { RequestArgs } from '../api/socket';

const ROLE_LABELS: Record<string, string> = {
  commander: '指挥员',
  dispatcher: '受理员/派遣员',
  inspector: '监督员',
  handler: '处置部门',
  leader: '领导',
  planner: '规划',
};
const INVITABLE = ROLE_IDS.filter((r) => r in ROLE_LABELS);

/** 发起会商: title, invited users and roles, co-hosts, and whether the invited enter without the lobby. */
export function CreateForm({ onCreate }: { onCreate(body: RequestArgs<'conference:create'>[0]): Promise<unknown> }) {
  const [title, setTitle] = useState('');
  const [users, setUsers] = useState('');
  const [coHosts, setCoHosts] = useState('');
  const [roles, setRoles] = useState<RoleId[]>([]);
  const [autoAdmit, setAutoAdmit] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const names = (text: string) =>
      text
        .split(/[,，\s]+/)
        .map((u) => u.trim())
        .filter(Boolean);
    void onCreate({ title, inviteUsers: names(users), coHosts: names(coHosts), inviteRoles: roles, autoAdmit }).then(
      () => {
        setTitle('');
        setUsers('');
        setCoHosts('');
        setRoles([]);
        setAutoAdmit(false);
      },
      () => undefined,
    );
  };
  return (
    <form className="conf-create" onSubmit={submit} data-testid="create-conference">
      <h3>发起会商</h3>
      <input data-testid="conf-title" placeholder="会商主题" value={title} onChange={(e) => setTitle(e.target.value)} required />
      <input
        data-testid="conf-users"
        placeholder="邀请用户（用户名，逗号分隔）"
        value={users}
        onChange={(e) => setUsers(e.target.value)}
      />
      <input
        data-testid="conf-cohosts"
        placeholder="联合主持人（用户名，逗号分隔）"
        title="联合主持人与您一同主持会商：准入、静音、移出、锁定"
        value={coHosts}
        onChange={(e) => setCoHosts(e.target.value)}
      />
      <div className="conf-roles">
        {INVITABLE.map((r) => (
          <label key={r}>
            <input
              type="checkbox"
              data-testid={`conf-role-${r}`}
              checked={roles.includes(r)}
              onChange={(e) => setRoles((x) => (e.target.checked ? [...x, r] : x.filter((y) => y !== r)))}
            />
            {ROLE_LABELS[r]}
          </label>
        ))}
      </div>
      <label>
        <input type="checkbox" checked={autoAdmit} onChange={(e) => setAutoAdmit(e.target.checked)} />
        受邀者无需等候、直接入会
      </label>
      <button type="submit" data-testid="conf-create-submit">
        发起
      </button>
    </form>
  );
}
