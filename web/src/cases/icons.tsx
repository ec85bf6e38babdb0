/** Small line icons drawn in SVG (phones without an emoji font still show them). */
type IconName = 'camera' | 'pin' | 'list' | 'outbox' | 'compass';

const PATHS: Record<IconName, string> = {
  camera: 'M4 8h3l2-3h6l2 3h3v11H4z M12 11a3 3 0 1 0 0.01 0',
  pin: 'M12 21s-6-6.2-6-11a6 6 0 0 1 12 0c0 4.8-6 11-6 11z M12 8a2 2 0 1 0 0.01 0',
  list: 'M8 6h12 M8 12h12 M8 18h12 M4 6h0.01 M4 12h0.01 M4 18h0.01',
  outbox: 'M4 13v6h16v-6 M12 4v10 M8 8l4-4 4 4',
  compass: 'M12 3a9 9 0 1 0 0.01 0 M15.5 8.5l-2 5-5 2 2-5z',
};

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      className="case-icon"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
