import { useEffect, useState } from 'react';
import type { AboutResponse } from '../../../contracts';
import { about } from '../api/endpoints';
import { isAbort } from '../api/http';

type AboutState = { status: 'loading' } | { status: 'done'; about: AboutResponse } | { status: 'failed'; message: string };

/** 关于: the product and every data layer with its source, licence and the credit it requires. */
export function AboutPanel({ onClose }: { onClose: () => void }) {
  const [state, setState] = useState<AboutState>({ status: 'loading' });

  useEffect(() => {
    const ac = new AbortController();
    about(ac.signal).then(
      (doc) => setState({ status: 'done', about: doc }),
      (err: unknown) => {
        if (!isAbort(err)) setState({ status: 'failed', message: `加载失败：${String(err)}` });
      },
    );
    return () => ac.abort();
  }, []);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <section
        className="panel about"
        role="dialog"
        aria-modal
        aria-labelledby="about-title"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2 id="about-title">关于</h2>
          <button type="button" className="close" onClick={onClose} aria-label="关闭">
            ×
          </button>
        </header>
        {state.status === 'loading' && <p className="muted">正在加载…</p>}
        {state.status === 'failed' && <p className="warning">{state.message}</p>}
        {state.status === 'done' && <AboutBody doc={state.about} />}
      </section>
    </div>
  );
}

function AboutBody({ doc }: { doc: AboutResponse }) {
  return (
    <>
      <p>
        <strong>{doc.product.name}</strong>（{doc.product.city}，行政区划代码 {doc.product.cityAdcode}）
      </p>
      <p>地图与数据署名：{doc.attributions.join('；')}</p>
      <table className="about-layers">
        <thead>
          <tr>
            <th>数据图层</th>
            <th>来源</th>
            <th>许可</th>
            <th>署名</th>
            <th>源文件要素数</th>
            <th>已导入</th>
            <th>因几何无效未导入</th>
          </tr>
        </thead>
        <tbody>
          {doc.layers.map((l) => (
            <tr key={l.layer} data-testid="about-layer" data-layer={l.layer}>
              <td>
                {l.title}
                <div className="muted">{l.layer}</div>
              </td>
              <td>{l.source}</td>
              <td>{l.licence}</td>
              <td>{l.attribution}</td>
              <td className="num">{count(l.features)}</td>
              <td className="num" data-testid="about-imported">
                {count(l.imported)}
              </td>
              <td className={l.rejected ? 'num warning' : 'num'} data-testid="about-rejected">
                {count(l.rejected)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {doc.layers.some((l) => l.rejected) && (
        <p className="muted">
          “因几何无效未导入”的要素在导入时被拒绝（编号与原因见导入问题表 import_issue），地图与 OGC 服务只提供已导入的要素。
        </p>
      )}
    </>
  );
}

const count = (n: number | null): string => (n === null ? '—' : n.toLocaleString('zh-CN'));
