import type { RoleSummary } from '../../../contracts/identity';

/** The roles and what each may do, as the policy file (data/policy.json) defines them: read-only here. */
export function RolesTab({ roles }: { roles: RoleSummary[] }) {
  return (
    <section className="admin-section">
      <p className="muted">
        角色及其权限由权限策略文件统一定义（HTTP
        接口、实时事件、图层、视频与案件范围共用一份策略）。特权角色（系统管理员、审计管理员）不能通过本页面授予，须在部署时开通（三员分立）。
      </p>
      <table className="admin-table">
        <thead>
          <tr>
            <th>角色</th>
            <th>编号</th>
            <th>类型</th>
            <th>可执行的操作</th>
          </tr>
        </thead>
        <tbody>
          {roles.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>
                <code>{r.id}</code>
              </td>
              <td>{r.privileged ? '特权（不可授予）' : r.device ? '设备账号（只读，无空闲超时）' : '业务角色'}</td>
              <td className="action-list">{r.actions.join('、')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
