import { Component, type ErrorInfo, type ReactNode } from 'react';
import { DESK_SCREEN, MapScreenContext, type MapScreen } from '../map/map-screen';

interface State {
  error: string | null;
}

interface Props {
  children: ReactNode;
  /** The screen the map is shown on (label size, first view); a desk unless told. */
  screen?: MapScreen;
}

/**
 * Keeps the wall working when the map cannot be drawn (no WebGL2 on the display machine, a lost GPU context):
 * the queue, KPIs and detail stay live and the map area says why it is empty. Tells the map inside which screen
 * it is on.
 */
export class MapErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(err: unknown): State {
    return { error: err instanceof Error ? err.message : String(err) };
  }

  override componentDidCatch(err: unknown, info: ErrorInfo): void {
    console.error('wall map failed:', err, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) {
      return (
        <MapScreenContext.Provider value={this.props.screen ?? DESK_SCREEN}>{this.props.children}</MapScreenContext.Provider>
      );
    }
    return (
      <div className="wall-map-failed" role="alert">
        地图无法显示（{this.state.error}），警情队列与详情仍实时更新。
      </div>
    );
  }
}
