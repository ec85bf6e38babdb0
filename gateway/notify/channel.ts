/** Whether a channel is configured (`on`) and can send right now (`ready`), in words for the operator. */
export interface ChannelState {
  on: boolean;
  ready: boolean;
  detail: string;
}

/** A send that did not succeed; `transient` ones are retried with back-off, the others fail the delivery. */
export class SendFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}
