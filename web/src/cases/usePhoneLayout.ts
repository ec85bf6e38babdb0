import { useEffect, useState } from 'react';

/** Screens as narrow as a phone held upright (390 px and the like); tablets and desktops are wider. */
export const PHONE_QUERY = '(max-width: 720px)';

/** Whether the window is phone-narrow now (follows rotation and resizing). */
export function usePhoneLayout(): boolean {
  const [phone, setPhone] = useState(() => window.matchMedia(PHONE_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(PHONE_QUERY);
    const sync = () => setPhone(query.matches);
    sync();
    query.addEventListener('change', sync);
    return () => query.removeEventListener('change', sync);
  }, []);
  return phone;
}
