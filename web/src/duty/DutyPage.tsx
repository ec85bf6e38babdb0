import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  DUTY_ROLE_LABELS,
  DUTY_ROLES,
  shiftTimesSchema,
  type DutyHandover,
  type DutyNowResponse,
  type DutyRole,
  type DutyShift,
} from '../../../contracts/duty';
import {
  CHANNEL_LABELS,
  DELIVERY_STATE_LABELS,
  RECIPIENT_REASON_LABELS,
  type ChannelStatus,
  type DeliveryState,
  type NotificationDetail,
  type NotificationSummary,
} from '../../../contracts/notify';
import type { Department } from '../../../contracts/identity';
import { adminApi } from '../admin/api';
import { PageFrame } from '../admin/PageFrame';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { FieldError, fieldProblem } from '../ui/FieldError';
import { dutyApi, notifyApi } from './api';
import './duty.css';
import { beijing, fromBeijingLocal } from '../ui/time';

const DAY = 86_400_000;

interface Person {
  userId: string;
  displayName: string;
  departmentId: string | null;
}

/** 值班管理: who is on duty now, the roster of the coming week, handovers, and the duty desk's notifications. */
export function DutyPage() {
  const { can } = useSession();
  const [now, setNow] = useState<DutyNowResponse | null>(null);
  const [shifts, setShifts] = useState<DutyShift[]>([]);
  const [handovers, setHandovers] = useState<DutyHandover[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    const from = new Date(Date.now() - DAY / 2).toISOString();
    const to = new Date(Date.now() + 7 * DAY).toISOString();
    Promise.all([
      dutyApi.now(abort.signal),
      dutyApi.shifts({ from, to }, abort.signal),
      dutyApi.handovers(undefined, abort.signal),
    ]).then(
      ([n, s, h]) => {
        setNow(n);
        setShifts(s);
        setHandovers(h);
        setError(null);
      },
      (err: unknown) => !abort.signal.aborted && setError(messageOf(err)),
    );
    return () => abort.abort();
  }, [version]);

  useEffect(() => {
    if (can('department.read'))
      void adminApi.departments().then(
        (d) => setDepartments(d.filter((x) => x.active)),
        () => undefined,
      );
    if (can('notify.contacts')) void notifyApi.contacts().then(setPeople, () => undefined);
  }, [can]);

  const run = (p: Promise<unknown>) => p.then(reload, (err: unknown) => setError(messageOf(err)));

  return (
    <PageFrame page="duty" title="值班管理">
      {error && (
        <p className="duty-error" role="alert">
          {error}
        </p>
      )}
      <div className="duty-page">
        <section className="duty-card" data-testid="duty-now">
          <h2>当前值班</h2>
          {now && now.departments.length === 0 && <p>当前没有排班</p>}
          <table>
            <tbody>
              {now?.departments.map((d) =>
                d.shifts.map((s, i) => (
                  <tr key={s.id}>
                    <td>{i === 0 ? d.departmentName : ''}</td>
                    <td>{DUTY_ROLE_LABELS[s.dutyRole]}</td>
                    <td>{s.userName}</td>
                    <td>至 {beijing(s.endsAt)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </section>

        <section className="duty-card" data-testid="duty-roster">
          <h2>排班表（未来 7 天）</h2>
          <table>
            <thead>
              <tr>
                <th>部门</th>
                <th>角色</th>
                <th>值班人</th>
                <th>开始</th>
                <th>结束</th>
                {can('duty.manage') && <th />}
              </tr>
            </thead>
            <tbody>
              {shifts.map((s) => (
                <tr key={s.id}>
                  <td>{s.departmentName}</td>
                  <td>{DUTY_ROLE_LABELS[s.dutyRole]}</td>
                  <td>{s.userName}</td>
                  <td>{beijing(s.startsAt)}</td>
                  <td>{beijing(s.endsAt)}</td>
                  {can('duty.manage') && (
                    <td>
                      <button type="button" onClick={() => void run(dutyApi.cancelShift(s.id))}>
                        取消
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {can('duty.manage') && <ShiftForm departments={departments} people={people} onDone={reload} onError={setError} />}
          {can('duty.manage') && <RosterImport onDone={reload} onError={setError} />}
        </section>

        <section className="duty-card" data-testid="duty-handovers">
          <h2>交接班记录</h2>
          {handovers.map((h) => (
            <article key={h.id} className="notify-item">
              <div className="notify-item-meta">
                <span>
                  {h.departmentId} · {h.authorName} · {beijing(h.createdAt)}
                </span>
                {h.receivedAt ? (
                  <span>
                    {h.receivedName} 已接班 {beijing(h.receivedAt)}
                  </span>
                ) : (
                  can('duty.handover') && (
                    <button type="button" onClick={() => void run(dutyApi.receiveHandover(h.id))}>
                      接班
                    </button>
                  )
                )}
              </div>
              <p>{h.note}</p>
              {h.openItems.length > 0 && <p>未结事项：{h.openItems.join('；')}</p>}
            </article>
          ))}
          {can('duty.handover') && <HandoverForm departments={departments} onDone={reload} onError={setError} />}
        </section>

        {can('notify.read') && <NotificationsCard departments={departments} canSend={can('notify.send')} />}
      </div>
    </PageFrame>
  );
}

function ShiftForm(props: { departments: Department[]; people: Person[]; onDone: () => void; onError: (m: string) => void }) {
  const [departmentId, setDepartmentId] = useState('');
  const [userId, setUserId] = useState('');
  const [dutyRole, setDutyRole] = useState<DutyRole>('officer');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  // Both times filled: checked with the request's own rules (end after start, at most 72 hours) before sending.
  const timesProblem =
    startsAt && endsAt
      ? fieldProblem(shiftTimesSchema, { startsAt: fromBeijingLocal(startsAt), endsAt: fromBeijingLocal(endsAt) })
      : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (timesProblem) return;
    dutyApi
      .addShift({
        departmentId,
        userId,
        dutyRole,
        startsAt: fromBeijingLocal(startsAt),
        endsAt: fromBeijingLocal(endsAt),
        note: '',
      })
      .then(props.onDone, (err: unknown) => props.onError(messageOf(err)));
  };
  const staff = props.people.filter((p) => p.departmentId === departmentId);
  return (
    <form className="duty-form" onSubmit={submit} aria-label="新增班次">
      <label>
        部门
        <select value={departmentId} onChange={(e) => setDepartmentId(e.target.value)} required>
          <option value="">选择部门</option>
          {props.departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        值班人
        <select value={userId} onChange={(e) => setUserId(e.target.value)} required>
          <option value="">选择人员</option>
          {staff.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        角色
        <select value={dutyRole} onChange={(e) => setDutyRole(e.target.value as DutyRole)}>
          {DUTY_ROLES.map((r) => (
            <option key={r} value={r}>
              {DUTY_ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <span />
      <label>
        开始（北京时间）
        <input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />
      </label>
      <label>
        结束（北京时间）
        <input
          type="datetime-local"
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          aria-invalid={timesProblem ? true : undefined}
          aria-describedby="shift-ends-error"
          required
        />
        <FieldError id="shift-ends-error" message={timesProblem} />
      </label>
      <button type="submit" className="wide" disabled={timesProblem !== null}>
        新增班次
      </button>
    </form>
  );
}

function RosterImport(props: { onDone: () => void; onError: (m: string) => void }) {
  const [csv, setCsv] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    dutyApi.importRoster(csv).then(
      () => {
        setCsv('');
        props.onDone();
      },
      (err: unknown) => props.onError(messageOf(err)),
    );
  };
  return (
    <form className="duty-form" onSubmit={submit} aria-label="导入排班表">
      <label className="wide">
        导入排班表（CSV：部门,用户名,角色,开始,结束,备注）
        <textarea
          rows={3}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          placeholder="command-center,shouli.li,值班员,2026-03-02T08:00:00+08:00,2026-03-02T20:00:00+08:00,"
        />
      </label>
      <button type="submit" className="wide" disabled={!csv.trim()}>
        导入
      </button>
    </form>
  );
}

function HandoverForm(props: { departments: Department[]; onDone: () => void; onError: (m: string) => void }) {
  const { state } = useSession();
  const own = state.status === 'signed-in' ? (state.user.department?.id ?? '') : '';
  const [departmentId, setDepartmentId] = useState(own);
  const [note, setNote] = useState('');
  const [items, setItems] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const openItems = items
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    dutyApi.addHandover({ departmentId, note, openItems }).then(
      () => {
        setNote('');
        setItems('');
        props.onDone();
      },
      (err: unknown) => props.onError(messageOf(err)),
    );
  };
  return (
    <form className="duty-form" onSubmit={submit} aria-label="填写交班记录">
      <label className="wide">
        部门
        <select value={departmentId} onChange={(e) => setDepartmentId(e.target.value)} required>
          {!props.departments.some((d) => d.id === own) && own && <option value={own}>{own}</option>}
          {props.departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label className="wide">
        交班内容
        <textarea rows={3} value={note} onChange={(e) => setNote(e.target.value)} required />
      </label>
      <label className="wide">
        未结事项（每行一项）
        <textarea rows={2} value={items} onChange={(e) => setItems(e.target.value)} />
      </label>
      <button type="submit" className="wide">
        交班
      </button>
    </form>
  );
}

const stateText = (states: Partial<Record<DeliveryState, number>>) =>
  (Object.entries(states) as [DeliveryState, number][]).map(([s, n]) => `${DELIVERY_STATE_LABELS[s]} ${n}`).join(' · ');

function NotificationsCard({ departments, canSend }: { departments: Department[]; canSend: boolean }) {
  const [channels, setChannels] = useState<ChannelStatus[]>([]);
  const [list, setList] = useState<NotificationSummary[]>([]);
  const [open, setOpen] = useState<NotificationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [targets, setTargets] = useState<string[]>([]);
  const [urgent, setUrgent] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    const read = () =>
      Promise.all([notifyApi.channels(abort.signal), notifyApi.list(abort.signal)]).then(
        ([c, l]) => {
          setChannels(c);
          setList(l);
        },
        (err: unknown) => !abort.signal.aborted && setError(messageOf(err)),
      );
    void read();
    const timer = window.setInterval(() => void read(), 5000);
    return () => {
      abort.abort();
      window.clearInterval(timer);
    };
  }, [version]);

  const send = (e: FormEvent) => {
    e.preventDefault();
    notifyApi.send({ title, body, departmentIds: targets, userIds: [], urgent }).then(
      (d) => {
        setOpen(d);
        setTitle('');
        setBody('');
        setVersion((v) => v + 1);
      },
      (err: unknown) => setError(messageOf(err)),
    );
  };

  return (
    <section className="duty-card" data-testid="duty-notifications">
      <h2>通知与送达</h2>
      <div data-testid="notify-channels">
        {channels.map((c) => (
          <span key={c.channel} className={`duty-chip${c.on ? (c.ready ? '' : ' down') : ' off'}`} title={c.detail}>
            {CHANNEL_LABELS[c.channel]}：{c.on ? (c.ready ? '可用' : '未就绪') : '未开通'}
          </span>
        ))}
      </div>
      {error && <p className="duty-error">{error}</p>}
      <table>
        <tbody>
          {list.map((n) => (
            <tr key={n.id}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => void notifyApi.detail(n.id).then(setOpen, (err: unknown) => setError(messageOf(err)))}
                >
                  {n.urgent && '【紧急】'}
                  {n.title}
                </button>
              </td>
              <td>{beijing(n.createdAt)}</td>
              <td>
                {n.acknowledged}/{n.recipients} 已确认
              </td>
              <td>{stateText(n.states)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <div data-testid="notify-detail">
          <h3>{open.title}</h3>
          <table>
            <tbody>
              {open.recipientList.map((r) => (
                <tr key={r.id}>
                  <td>{r.displayName}</td>
                  <td>{RECIPIENT_REASON_LABELS[r.reason]}</td>
                  <td>
                    {r.deliveries.map((d) => (
                      <span key={d.id} className={`duty-chip state-${d.state}`} title={d.lastError ?? ''}>
                        {CHANNEL_LABELS[d.channel]} {DELIVERY_STATE_LABELS[d.state]}
                        {d.attempts > 1 ? `（第 ${d.attempts} 次）` : ''}
                      </span>
                    ))}
                  </td>
                  <td>{r.acknowledgedAt ? `已确认 ${beijing(r.acknowledgedAt)}` : '未确认'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canSend && (
        <form className="duty-form" onSubmit={send} aria-label="发送值班通知">
          <label className="wide">
            标题
            <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
          </label>
          <label className="wide">
            正文
            <textarea rows={2} value={body} onChange={(e) => setBody(e.target.value)} maxLength={4000} />
          </label>
          <label className="wide">
            发给（部门的当前值班人员）
            <select
              multiple
              value={targets}
              onChange={(e) => setTargets([...e.target.selectedOptions].map((o) => o.value))}
              size={4}
            >
              {departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>
              <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> 紧急（未确认时升级至备班）
            </span>
          </label>
          <button type="submit" disabled={!title.trim() || targets.length === 0}>
            发送通知
          </button>
        </form>
      )}
    </section>
  );
}
