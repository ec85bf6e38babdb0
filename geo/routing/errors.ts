/** Why a routing request could not be answered; the gateway maps each reason to an HTTP status. */
export type RoutingFailure =
  'outside_area' | 'far_from_road' | 'unreachable' | 'unknown_edge' | 'unknown_condition' | 'already_cleared';

/** A failure caused by the request (a point off the network, an unknown id), with a message for the caller. */
export class RoutingError extends Error {
  constructor(
    readonly reason: RoutingFailure,
    message: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}
