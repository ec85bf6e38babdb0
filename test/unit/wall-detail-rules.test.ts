import type { IncidentStep, RecommendationResponse, Unit } from '../../contracts/incidents';
import { etaLabel, RECENT_STEPS, recentSteps, routeRequests } from '../../web/src/wall/detail-rules';

const step = (i: number): IncidentStep => ({
  state: 'acknowledged',
  action: 'acknowledge',
  at: `2026-03-01T08:0${i}:00Z`,
  actor: null,
  note: String(i),
});

describe('the timeline at the top of the detail', () => {
  it('shows every step while there are few', () => {
    const steps = [1, 2, 3].map(step);
    expect(recentSteps(steps, false)).toEqual({ shown: steps, earlier: 0 });
  });

  it('shows the latest five and counts the earlier ones, or all on request', () => {
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map(step);
    expect(RECENT_STEPS).toBe(5);
    const recent = recentSteps(steps, false);
    expect(recent.shown.map((s) => s.note)).toEqual(['4', '5', '6', '7', '8']);
    expect(recent.earlier).toBe(3);
    expect(recentSteps(steps, true)).toEqual({ shown: steps, earlier: 0 });
  });
});

describe('routes of the recommended units', () => {
  const unit = (id: string, lon: number | null, lat: number | null): Unit =>
    ({ id, callsign: id.toUpperCase(), type: 'ambulance', lon, lat }) as Unit;
  const recs: RecommendationResponse = {
    incidentId: 12,
    needs: ['ambulance'],
    byType: [
      {
        type: 'ambulance',
        units: [
          { unit: unit('a1', 126.6, 45.7), etaS: 300, distanceM: 2000 },
          { unit: unit('a2', null, null), etaS: 400, distanceM: 3000 },
        ],
      },
      { type: 'fire_engine', units: [{ unit: { ...unit('f1', 126.7, 45.8), type: 'fire_engine' }, etaS: 500, distanceM: 4000 }] },
    ],
  };

  it('routes each placed unit from where it is to the incident, with the recommendation’s ETA', () => {
    expect(routeRequests({ place: { lon: 126.65, lat: 45.75 } as never }, recs)).toEqual([
      { unitId: 'a1', callsign: 'A1', type: 'ambulance', etaS: 300, from: [126.6, 45.7], to: [126.65, 45.75] },
      { unitId: 'f1', callsign: 'F1', type: 'fire_engine', etaS: 500, from: [126.7, 45.8], to: [126.65, 45.75] },
    ]);
  });

  it('labels the ETA in minutes and seconds', () => {
    expect([etaLabel(65), etaLabel(600), etaLabel(3725)]).toEqual(['约 1:05', '约 10:00', '约 1:02:05']);
  });
});
