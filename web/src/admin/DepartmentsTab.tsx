import { useState, type FormEvent } from 'react';
import { DEPARTMENT_KINDS, type Department, type DepartmentKind } from '../../../contracts/identity';
import { messageOf } from '../api/http';
import { adminApi } from './api';

export const KIND_NAMES: Record<DepartmentKind, string> = {
  command: '指挥中心',
  police: '公安（110）',
  fire: '消防（119）',
  ems: '急救（120）',
  flood: '防汛',
  civil_defence: '人防',
  traffic: '交警',
  urban_mgmt: '城管',
  planning: '规划',
  it: '信息中心',
};

/** 部门管理: the command centre, agencies and city departments; new ones, renames and deactivation. */
export function DepartmentsTab({ departments, reload }: { departments: Department[]; reload: () => Promise<void> }) {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DepartmentKind>('urban_mgmt');
  const [hotline, setHotline] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const run = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn();
      setMessage({ text: ok, error: false });
      await reload();
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () =>
        adminApi.createDepartment({
          id: id.trim(),
          name: name.trim(),
          kind,
          hotline: hotline.trim() || null,
          districtAdcode: null,
        }),
      `已新建部门「${name.trim()}」`,
    ).then(() => {
      setId('');
      setName('');
      setHotline('');
    });
  };

  return (
    <section className="admin-section">
      <form className="admin-form admin-inline-form" onSubmit={create}>
        <label>
          部门编号
          <input value={id} onChange={(e) => setId(e.target.value)} placeholder="如 daoli-cg" required />
        </label>
        <label>
          名称
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          类型
          <select value={kind} onChange={(e) => setKind(e.target.value as DepartmentKind)}>
            {DEPARTMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_NAMES[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          电话
          <input value={hotline} onChange={(e) => setHotline(e.target.value)} />
        </label>
        <button type="submit">新建部门</button>
      </form>
      {message && <p className={message.error ? 'warning' : 'admin-ok'}>{message.text}</p>}
      <table className="admin-table">
        <thead>
          <tr>
            <th>编号</th>
            <th>名称</th>
            <th>类型</th>
            <th>电话</th>
            <th>状态</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {departments.map((d) => (
            <tr key={d.id}>
              <td>
                <code>{d.id}</code>
              </td>
              <td>{d.name}</td>
              <td>{KIND_NAMES[d.kind]}</td>
              <td>{d.hotline ?? '—'}</td>
              <td>{d.active ? '启用' : '已停用'}</td>
              <td className="row-actions">
                <button
                  type="button"
                  onClick={() =>
                    void run(
                      () => adminApi.updateDepartment(d.id, { active: !d.active }),
                      `已${d.active ? '停用' : '启用'}「${d.name}」`,
                    )
                  }
                >
                  {d.active ? '停用' : '启用'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
