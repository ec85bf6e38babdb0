import { z } from 'zod';
import { MAX_TILE_ZOOM } from './layers';
import type { TileAddress } from './sql';

/** A canonical non-negative decimal integer: no sign, decimals, exponent or leading zeros. */
const CANONICAL_UINT = /^(0|[1-9][0-9]{0,15})$/;

/**
 * The `{z}/{x}/{y}.mvt` part of a tile URL, as strings straight from the path. Every problem is reported with the
 * value that caused it and the range that would have been accepted.
 */
export const tilePathSchema = z
  .object({ z: z.string(), x: z.string(), file: z.string() })
  .transform((input, ctx): TileAddress => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const match = /^(.*)\.mvt$/.exec(input.file);
    if (!match) return fail(`tile must be requested as {z}/{x}/{y}.mvt; got "${input.file}"`);
    const raw = { z: input.z, x: input.x, y: match[1] ?? '' };
    if (!CANONICAL_UINT.test(raw.z) || Number(raw.z) > MAX_TILE_ZOOM) {
      return fail(`z must be an integer from 0 to ${MAX_TILE_ZOOM}; got "${raw.z}"`);
    }
    const zoom = Number(raw.z);
    const last = 2 ** zoom - 1;
    for (const axis of ['x', 'y'] as const) {
      const v = raw[axis];
      if (!CANONICAL_UINT.test(v) || Number(v) > last) {
        return fail(`${axis} must be an integer from 0 to ${last} at zoom ${zoom}; got "${v}"`);
      }
    }
    return { z: zoom, x: Number(raw.x), y: Number(raw.y) };
  });
