import { DEPARTMENT_ASSESSMENT_COLUMNS, type DepartmentAssessment } from '../../../contracts/cases/evaluation-detail';
import { percent } from '../cases/format';

const cellOf = (d: DepartmentAssessment, id: (typeof DEPARTMENT_ASSESSMENT_COLUMNS)[number]['id']): string => {
  const v = d[id];
  if (v === null) return '—';
  if (id === 'onTimeRate') return percent(v);
  if (id === 'avgHandlingHours') return v.toFixed(1);
  return String(v);
};

/** 处置部门考核: per handling department, the cases it holds, on-time rate, rework, returns and handling time. */
export function DepartmentTable({ departments }: { departments: DepartmentAssessment[] }) {
  return (
    <section className="eval-departments" data-testid="eval-departments">
      <h2>处置部门考核</h2>
      <table className="eval-table">
        <thead>
          <tr>
            <th>处置部门</th>
            {DEPARTMENT_ASSESSMENT_COLUMNS.map((c) => (
              <th key={c.id} title={c.definition}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {departments.map((d) => (
            <tr key={d.departmentId} data-testid="department-row" data-department={d.departmentId}>
              <td>{d.name}</td>
              {DEPARTMENT_ASSESSMENT_COLUMNS.map((c) => (
                <td key={c.id} data-column={c.id}>
                  {cellOf(d, c.id)}
                </td>
              ))}
            </tr>
          ))}
          {departments.length === 0 && (
            <tr>
              <td colSpan={DEPARTMENT_ASSESSMENT_COLUMNS.length + 1} className="muted">
                本时段没有数据
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
