import type { z } from 'zod';
import type { FeedSource, NormalisedReport } from '../../contracts/incidents';

/** Why an agency record was refused; each kind is answered with a 4xx and kept as a dead letter. */
export const REJECTION_KINDS = [
  'malformed',
  'bad_time',
  'bad_coordinates',
  'outside_area',
  'unknown_code',
  'missing_location',
] as const;
export type RejectionKind = (typeof REJECTION_KINDS)[number];

export class FeedRejection extends Error {
  constructor(
    readonly kind: RejectionKind,
    message: string,
  ) {
    super(message);
    this.name = 'FeedRejection';
  }
}

/**
 * One agency's feed: its native record format (a zod schema over the agency's own field names) and the
 * mapping to the common report. `normalise` throws a FeedRejection for anything it cannot map faithfully;
 * it never guesses. Location (district/street/grid, geocoding of addresses) is the pipeline's job.
 */
export interface FeedAdapter<Native = unknown> {
  source: FeedSource;
  /** The agency system the format imitates, for docs and the dead-letter view. */
  system: string;
  schema: z.ZodType<Native>;
  normalise(native: Native): NormalisedReport;
}
