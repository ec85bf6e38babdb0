import { Decoder, Encoder, type Packet } from 'socket.io-parser';
import { DEFAULT_TEXT_LIMITS, jsonDepthExceeds, TOO_DEEP } from '../http/text-safety';

/** An event packet's payload starts with its name: `["conference:join", …`. */
const EVENT_NAME = /^\[\s*("(?:[^"\\]|\\.){1,200}")\s*[,\]]/;

/**
 * Socket.IO's decoder with the depth limit of HTTP bodies, checked on the raw text before `JSON.parse`: a packet of
 * 256 KB of brackets costs a linear scan (about a millisecond) instead of a 120 ms parse, before authentication and
 * before any rate limit. An event nested too deep keeps only its name, with `TOO_DEEP` as its argument, so its
 * acknowledgement carries the refusal (`checkSocketEvent`); any other packet nested too deep (a handshake's `auth`)
 * is invalid and the connection closes. The payload array is one level above the event's arguments.
 */
class DepthCheckedDecoder extends Decoder {
  private tooDeep = false;

  constructor() {
    super();
    // Registered before Socket.IO's own listener, so the marker is in place when the event is dispatched.
    this.on('decoded', (packet: Packet) => {
      if (this.tooDeep && Array.isArray(packet.data)) packet.data.push(TOO_DEEP);
    });
  }

  override add(obj: unknown): void {
    if (typeof obj !== 'string' || !jsonDepthExceeds(obj, DEFAULT_TEXT_LIMITS.maxDepth + 1)) return super.add(obj);
    const start = obj.search(/[[{]/);
    const name = EVENT_NAME.exec(obj.slice(start));
    if (!name) throw new Error(`packet nests deeper than ${DEFAULT_TEXT_LIMITS.maxDepth} levels`);
    this.tooDeep = true;
    try {
      super.add(`${obj.slice(0, start)}[${name[1]}]`);
    } finally {
      this.tooDeep = false;
    }
  }
}

/** The Socket.IO `parser` option: the standard encoder, the depth-checked decoder. */
export const depthCheckedParser = { Encoder, Decoder: DepthCheckedDecoder };
