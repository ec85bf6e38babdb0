import type { ErrorCode } from '../../contracts/errors';

/** A refusal of the video service with a code of the platform's error table and a message for people. */
export class MediaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}
