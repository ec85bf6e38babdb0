import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: string | null;
}

/**
 * Keeps the wall working when the map cannot be drawn (no WebGL2 on the display machine, a lost GPU context):
 * the queue, KPIs and detail stay live and the map area says why it is empty.
 */
export class MapErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(err: unknown): State {
    return { error: err instanceof Error ? err.message : String(err) };
  }

  override componentDidCatch(err: unknown, info: ErrorInfo): void {
    console.error('wall map failed:', err, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="wall-map-failed" role="alert">
        地图无法显示（{this.state.error}），警情队列与详情仍实时更新。
      </div>
    );
  }
}
