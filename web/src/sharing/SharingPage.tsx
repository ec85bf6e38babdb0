import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import {
  SHARING_CLASS_LABELS,
  SHARING_CLASSES,
  SHARING_STATE_LABELS,
  sharingDecisionInput,
  sharingRequestInput,
  type SharingAccess,
  type SharingArea,
  type SharingClass,
  type SharingRequest,
  type SharingResource,
} from '../../../contracts/sharing';
import { PageFrame } from '../admin/PageFrame';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { FieldError, fieldProblem } from '../ui/FieldError';
import { sharingApi, type DistrictBox } from './api';
import './sharing.css';
import { beijing, fromBeijingLocal, toBeijingLocal } from '../ui/time';

const DAY = 86_400_000;
/** The central city, the area most requests are about. */
const CENTRAL_CITY: SharingArea = [126.48, 45.65, 126.8, 45.86];

const time = (iso: string) => beijing(iso, 'dateMinute');
const areaText = (a: readonly number[]) => a.map((v) => v.toFixed(3)).join(', ');

const ACCESS_LABELS: Record<SharingAccess, string> = {
  open: '可直接使用',
  policy: '本岗位可直接使用',
  granted: '已获授权',
  requestable: '可申请',
  not_offered: '不予共享',
  not_eligible: '本账号不能申请',
};

/**
 * 资源目录: the information-resource catalogue with each resource's sharing class, legal basis and catalogue
 * metadata; a department asks for a 条件共享 resource (purpose, fields, area, period), and the providing department
 * answers the requests made of it (approve with conditions, or refuse with a reason).
 */
export function SharingPage() {
  const { can } = useSession();
  const [resources, setResources] = useState<SharingResource[]>([]);
  const [requests, setRequests] = useState<SharingRequest[]>([]);
  const [districts, setDistricts] = useState<DistrictBox[]>([]);
  const [filter, setFilter] = useState<SharingClass | 'all'>('all');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    Promise.all([sharingApi.resources(abort.signal), sharingApi.requests(abort.signal)]).then(
      ([res, req]) => {
        setResources(res);
        setRequests(req);
        setError(null);
      },
      (err: unknown) => !abort.signal.aborted && setError(messageOf(err)),
    );
    return () => abort.abort();
  }, [version]);

  useEffect(() => {
    const abort = new AbortController();
    sharingApi.districts(abort.signal).then(setDistricts, () => undefined);
    return () => abort.abort();
  }, []);

  const shown = useMemo(
    () =>
      resources.filter(
        (r) =>
          (filter === 'all' || r.sharingClass === filter) &&
          (!query.trim() || `${r.name}${r.summary}${r.provider.name}`.includes(query.trim())),
      ),
    [resources, filter, query],
  );
  const current = resources.find((r) => r.id === selected) ?? null;
  const incoming = requests.filter((r) => r.direction === 'incoming');
  const outgoing = requests.filter((r) => r.direction === 'outgoing');
  const others = requests.filter((r) => r.direction === 'other');
  const done = (message: string) => {
    setNotice(message);
    setError(null);
    reload();
  };

  return (
    <PageFrame page="sharing" title="信息资源目录与共享">
      {error && (
        <p className="sharing-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="sharing-notice" role="status">
          {notice}
        </p>
      )}
      <div className="sharing-page">
        <section className="sharing-card sharing-catalogue" data-testid="sharing-catalogue" aria-label="资源目录">
          <h2>资源目录</h2>
          <div className="sharing-filters">
            <div role="group" aria-label="共享类型">
              {(['all', ...SHARING_CLASSES] as const).map((c) => (
                <button
                  key={c}
                  type="button"
                  aria-pressed={filter === c}
                  className={filter === c ? 'on' : ''}
                  onClick={() => setFilter(c)}
                >
                  {c === 'all' ? '全部' : SHARING_CLASS_LABELS[c]}
                  <span className="sharing-count">
                    {c === 'all' ? resources.length : resources.filter((r) => r.sharingClass === c).length}
                  </span>
                </button>
              ))}
            </div>
            <input
              type="search"
              placeholder="按名称、摘要或提供部门查找"
              aria-label="查找资源"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
          <table>
            <thead>
              <tr>
                <th>资源名称</th>
                <th>共享类型</th>
                <th>提供部门</th>
                <th>更新周期</th>
                <th>本部门</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr
                  key={r.id}
                  className={r.id === selected ? 'selected' : ''}
                  onClick={() => setSelected(r.id)}
                  data-resource={r.id}
                >
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(r.id)}>
                      {r.name}
                    </button>
                  </td>
                  <td>
                    <span className={`sharing-class class-${r.sharingClass}`}>{SHARING_CLASS_LABELS[r.sharingClass]}</span>
                  </td>
                  <td>{r.provider.name}</td>
                  <td>{r.updateCycle}</td>
                  <td className={`access-${r.access}`}>{ACCESS_LABELS[r.access]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="sharing-card sharing-detail" data-testid="sharing-detail" aria-label="资源详情">
          {current ? (
            <ResourceDetail
              key={current.id}
              resource={current}
              districts={districts}
              canAsk={can('sharing.request')}
              pending={outgoing.some((r) => r.resource === current.id && r.state === 'pending')}
              onDone={done}
              onError={setError}
            />
          ) : (
            <p className="sharing-hint">
              在左侧目录中选择一项资源，查看其共享类型、依据与元数据{can('sharing.request') ? '，或申请共享' : ''}。
            </p>
          )}
        </section>

        {(can('sharing.decide') || incoming.length > 0) && (
          <section className="sharing-card" data-testid="sharing-incoming" aria-label="待本部门答复的申请">
            <h2>向本部门提出的申请</h2>
            {incoming.length === 0 && <p className="sharing-hint">暂无向本部门提出的共享申请</p>}
            {incoming.map((r) => (
              <RequestCard key={r.id} request={r} resource={resources.find((x) => x.id === r.resource)}>
                {r.state === 'pending' && can('sharing.decide') && (
                  <DecisionForm
                    request={r}
                    resource={resources.find((x) => x.id === r.resource)}
                    onDone={done}
                    onError={setError}
                  />
                )}
              </RequestCard>
            ))}
          </section>
        )}

        {(can('sharing.request') || outgoing.length > 0) && (
          <section className="sharing-card" data-testid="sharing-outgoing" aria-label="本部门的申请">
            <h2>本部门的申请</h2>
            {outgoing.length === 0 && <p className="sharing-hint">本部门尚未提出共享申请</p>}
            {outgoing.map((r) => (
              <RequestCard key={r.id} request={r} resource={resources.find((x) => x.id === r.resource)} />
            ))}
          </section>
        )}

        {others.length > 0 && (
          <section className="sharing-card" data-testid="sharing-register" aria-label="共享申请登记">
            <h2>全部共享申请</h2>
            {others.map((r) => (
              <RequestCard key={r.id} request={r} resource={resources.find((x) => x.id === r.resource)} />
            ))}
          </section>
        )}
      </div>
    </PageFrame>
  );
}

function ResourceDetail(props: {
  resource: SharingResource;
  districts: DistrictBox[];
  canAsk: boolean;
  pending: boolean;
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const r = props.resource;
  const ogc = `/ogc/collections/${r.id}`;
  return (
    <>
      <h2>
        {r.name} <span className={`sharing-class class-${r.sharingClass}`}>{SHARING_CLASS_LABELS[r.sharingClass]}</span>
      </h2>
      <p>{r.summary}</p>
      <dl className="sharing-meta">
        <dt>共享依据</dt>
        <dd>{r.legalBasis}</dd>
        <dt>提供部门</dt>
        <dd>{r.provider.name}</dd>
        <dt>更新周期</dt>
        <dd>{r.updateCycle}</dd>
        <dt>数据格式</dt>
        <dd>{r.formats.join('、')}</dd>
        <dt>覆盖范围</dt>
        <dd>{r.coverage}</dd>
        <dt>联系方式</dt>
        <dd>{r.contact}</dd>
        <dt>字段</dt>
        <dd>{r.fields.map((f) => f.title).join('、')}</dd>
        <dt>服务地址</dt>
        <dd>
          <code>{ogc}</code>
          {r.tiles && (
            <>
              {' '}
              <code>/tiles/{r.id}.json</code>
            </>
          )}
        </dd>
      </dl>
      <p className={`sharing-access access-${r.access}`} data-testid="sharing-access">
        {ACCESS_LABELS[r.access]}
        {r.access === 'not_offered' && '：该资源依法不予共享，不接受申请'}
        {r.access === 'open' && r.sharingClass === 'mandatory' && '：强制共享资源，各部门无需申请'}
      </p>
      {r.grant && (
        <div className="sharing-grant" data-testid="sharing-grant">
          <strong>授权内容</strong>
          <p>字段：{r.grant.fields.map((f) => r.fields.find((x) => x.name === f)?.title ?? f).join('、')}</p>
          <p>范围：{areaText(r.grant.area)}</p>
          <p>
            期限：{time(r.grant.validFrom)} 至 {time(r.grant.validUntil)}（到期自动失效）
          </p>
          {r.grant.conditions && <p>使用条件：{r.grant.conditions}</p>}
          <p>
            查询示例：
            <code>
              {ogc}/items?properties={r.grant.fields.join(',')}&amp;bbox={r.grant.area.join(',')}
            </code>
          </p>
        </div>
      )}
      {r.access === 'requestable' && props.canAsk && props.pending && (
        <p className="sharing-hint">本部门对该资源已有待答复的申请</p>
      )}
      {r.access === 'requestable' && props.canAsk && !props.pending && (
        <RequestForm resource={r} districts={props.districts} onDone={props.onDone} onError={props.onError} />
      )}
    </>
  );
}

/** Area picker: the central city, a district's box, or four numbers. */
function AreaPicker(props: {
  id: string;
  districts: DistrictBox[];
  value: SharingArea;
  onChange: (a: SharingArea) => void;
  limit?: SharingArea;
}) {
  const [mode, setMode] = useState<string>(props.limit ? 'asked' : 'central');
  const [custom, setCustom] = useState(props.value.join(', '));
  const pick = (m: string) => {
    setMode(m);
    if (m === 'central') props.onChange(CENTRAL_CITY);
    else if (m === 'asked' && props.limit) props.onChange(props.limit);
    else {
      const d = props.districts.find((x) => x.adcode === m);
      if (d) props.onChange(d.bbox);
    }
  };
  return (
    <>
      <select id={props.id} value={mode} onChange={(e) => pick(e.target.value)}>
        {props.limit && <option value="asked">申请的范围</option>}
        {!props.limit && <option value="central">中心城区</option>}
        {!props.limit &&
          props.districts.map((d) => (
            <option key={d.adcode} value={d.adcode}>
              {d.name}
            </option>
          ))}
        <option value="custom">自定义（西, 南, 东, 北）</option>
      </select>
      {mode === 'custom' && (
        <input
          aria-label="自定义范围（西, 南, 东, 北）"
          value={custom}
          onChange={(e) => {
            setCustom(e.target.value);
            const n = e.target.value.split(',').map((s) => Number(s.trim()));
            if (n.length === 4 && n.every((x) => Number.isFinite(x))) props.onChange(n as SharingArea);
          }}
        />
      )}
      <span className="sharing-area-text">{areaText(props.value)}</span>
    </>
  );
}

function FieldPicker(props: {
  resource: SharingResource | undefined;
  names: readonly string[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return (
    <div className="sharing-fields" role="group" aria-label="字段">
      {props.names.map((n) => (
        <label key={n}>
          <input
            type="checkbox"
            checked={props.value.includes(n)}
            onChange={(e) => props.onChange(e.target.checked ? [...props.value, n] : props.value.filter((x) => x !== n))}
          />
          {props.resource?.fields.find((f) => f.name === n)?.title ?? n}
        </label>
      ))}
    </div>
  );
}

function RequestForm(props: {
  resource: SharingResource;
  districts: DistrictBox[];
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const r = props.resource;
  const [purpose, setPurpose] = useState('');
  const [fields, setFields] = useState<string[]>([]);
  const [area, setArea] = useState<SharingArea>(CENTRAL_CITY);
  const [from, setFrom] = useState(() => toBeijingLocal(Date.now()));
  const [until, setUntil] = useState(() => toBeijingLocal(Date.now() + 30 * DAY));
  const [tried, setTried] = useState(false);
  const input = { resource: r.id, purpose, fields, area, validFrom: fromBeijingLocal(from), validUntil: fromBeijingLocal(until) };
  const parsed = sharingRequestInput.safeParse(input);
  const problemOf = (key: string) =>
    parsed.success ? null : (parsed.error.issues.find((i) => i.path[0] === key)?.message ?? null);
  const show = (key: string) => (tried || key === 'validUntil' ? problemOf(key) : null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!parsed.success) return;
    sharingApi.ask(parsed.data).then(
      () => props.onDone(`已向${r.provider.name}提出「${r.name}」的共享申请`),
      (err: unknown) => props.onError(messageOf(err)),
    );
  };
  return (
    <form className="sharing-form" onSubmit={submit} aria-label="申请共享" data-testid="sharing-request-form" noValidate>
      <h3>申请共享</h3>
      <label className="wide">
        用途
        <textarea
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          rows={2}
          placeholder="说明使用该资源的业务事项"
          aria-describedby="share-purpose-err"
        />
        <FieldError id="share-purpose-err" message={show('purpose')} />
      </label>
      <div className="wide">
        字段
        <FieldPicker resource={r} names={r.fields.map((f) => f.name)} value={fields} onChange={setFields} />
        <FieldError id="share-fields-err" message={show('fields')} />
      </div>
      <label className="wide">
        范围
        <AreaPicker id="share-area" districts={props.districts} value={area} onChange={setArea} />
        <FieldError id="share-area-err" message={show('area')} />
      </label>
      <label>
        开始
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        <FieldError id="share-from-err" message={show('validFrom')} />
      </label>
      <label>
        结束
        <input
          type="datetime-local"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
          aria-describedby="share-until-err"
        />
        <FieldError id="share-until-err" message={show('validUntil')} />
      </label>
      <button type="submit" className="wide primary">
        提交申请
      </button>
    </form>
  );
}

function RequestCard(props: { request: SharingRequest; resource: SharingResource | undefined; children?: ReactNode }) {
  const r = props.request;
  const title = (n: string) => props.resource?.fields.find((f) => f.name === n)?.title ?? n;
  const state = r.expired ? 'expired' : r.state;
  return (
    <article className="sharing-request" data-request={r.id} data-state={state}>
      <div className="sharing-request-head">
        <strong>{r.resourceName}</strong>
        <span className={`sharing-state state-${state}`}>{SHARING_STATE_LABELS[state]}</span>
      </div>
      <p className="sharing-request-meta">
        {r.requester.department.name}（{r.requester.displayName}）→ {r.provider.name} · {time(r.createdAt)}
      </p>
      <p>用途：{r.purpose}</p>
      <p>申请字段：{r.fields.map(title).join('、')}</p>
      <p>
        申请范围：{areaText(r.area)}；期限：{time(r.validFrom)} 至 {time(r.validUntil)}
      </p>
      {r.granted && (
        <p className="sharing-granted">
          同意：字段 {r.granted.fields.map(title).join('、')}；范围 {areaText(r.granted.area)}；至 {time(r.granted.validUntil)}
          ；条件：{r.granted.conditions}
        </p>
      )}
      {r.refusalReason && <p className="sharing-refused">拒绝理由：{r.refusalReason}</p>}
      {props.children}
    </article>
  );
}

function DecisionForm(props: {
  request: SharingRequest;
  resource: SharingResource | undefined;
  onDone: (message: string) => void;
  onError: (message: string) => void;
}) {
  const r = props.request;
  const [fields, setFields] = useState<string[]>(r.fields);
  const [area, setArea] = useState<SharingArea>(r.area);
  const [until, setUntil] = useState(() => toBeijingLocal(r.validUntil));
  const [conditions, setConditions] = useState('');
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState<'approve' | 'refuse' | null>(null);
  const approval = {
    decision: 'approve' as const,
    fields,
    area,
    validFrom: r.validFrom,
    validUntil: fromBeijingLocal(until),
    conditions,
  };
  const approveProblem = fieldProblem(sharingDecisionInput, approval);
  const refuseProblem = fieldProblem(sharingDecisionInput, { decision: 'refuse', reason });
  const send = (kind: 'approve' | 'refuse') => {
    setTried(kind);
    if (kind === 'approve' ? approveProblem : refuseProblem) return;
    sharingApi.decide(r.id, kind === 'approve' ? approval : { decision: 'refuse', reason }).then(
      () =>
        props.onDone(
          kind === 'approve' ? `已附条件同意${r.requester.department.name}的申请` : `已拒绝${r.requester.department.name}的申请`,
        ),
      (err: unknown) => props.onError(messageOf(err)),
    );
  };
  return (
    <div className="sharing-form decision" data-testid="sharing-decision">
      <div className="wide">
        同意的字段（不超过申请的字段）
        <FieldPicker resource={props.resource} names={r.fields} value={fields} onChange={setFields} />
      </div>
      <label className="wide">
        同意的范围
        <AreaPicker id={`decide-area-${r.id}`} districts={[]} value={area} onChange={setArea} limit={r.area} />
      </label>
      <label>
        有效期至
        <input
          type="datetime-local"
          value={until}
          max={toBeijingLocal(r.validUntil)}
          onChange={(e) => setUntil(e.target.value)}
        />
      </label>
      <label>
        使用条件
        <input value={conditions} onChange={(e) => setConditions(e.target.value)} placeholder="如：仅限本次任务使用，不得转交" />
      </label>
      <FieldError id={`decide-approve-err-${r.id}`} message={tried === 'approve' ? approveProblem : null} />
      <button type="button" className="wide primary" onClick={() => send('approve')}>
        附条件同意
      </button>
      <label className="wide">
        拒绝理由
        <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="拒绝时须说明理由" />
        <FieldError id={`decide-refuse-err-${r.id}`} message={tried === 'refuse' ? refuseProblem : null} />
      </label>
      <button type="button" className="wide danger" onClick={() => send('refuse')}>
        拒绝
      </button>
    </div>
  );
}
