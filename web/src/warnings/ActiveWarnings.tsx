import { WARNING_LEVEL_COLORS, warningName, type PublicWarning } from '../../../contracts/warnings';
import './warnings.css';
import { capUrl } from './api';

const shortTime = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/**
 * The warnings in force as a strip over the wall map: one chip per warning in its colour, most severe first, with
 * its area and when it is lifted; nothing at all when none is in force.
 */
export function ActiveWarnings({ warnings }: { warnings: readonly PublicWarning[] }) {
  if (!warnings.length) return null;
  return (
    <ul className="warning-strip" data-testid="wall-warnings" aria-label="生效中的预警">
      {warnings.map((w) => (
        <li
          key={w.id}
          className={`warning-chip level-${w.level}`}
          data-level={w.level}
          data-id={w.id}
          style={{ borderColor: `rgb(${WARNING_LEVEL_COLORS[w.level].join(',')})` }}
        >
          <i style={{ background: `rgb(${WARNING_LEVEL_COLORS[w.level].join(',')})` }} aria-hidden />
          <a href={capUrl(w)} target="_blank" rel="noreferrer" title={w.headline}>
            {w.drill && <b className="warning-drill">演练</b>}
            {w.areaDesc.length > 24 ? `${w.areaDesc.slice(0, 24)}…` : w.areaDesc} {warningName(w)}
          </a>
          <span className="warning-until">至 {shortTime(w.expiresAt)}</span>
        </li>
      ))}
    </ul>
  );
}
