/**
 * A filter the client wrote is wrong: bad syntax, an unknown property, mismatched types or a limit exceeded.
 * The message, in Chinese for the planner, says what and where ("第 N 个字符", 1-based) and what to write instead;
 * `offset` is the same place 0-based, for clients that point into the text (see messages.ts for shared wording);
 * the gateway answers it with HTTP 400 `bad_request`. It never carries a stack trace into a response.
 */
export class Cql2Error extends Error {
  constructor(
    message: string,
    /** 0-based offset (UTF-16 code units) into the filter text, when the problem has a place. */
    readonly offset?: number,
    /** A short piece of the filter text around `offset`, for clients that show it beside the message. */
    readonly excerpt?: string,
  ) {
    super(message);
    this.name = 'Cql2Error';
  }
}

/** At most `max` characters of `s`, with an ellipsis when cut. */
export function clip(s: string, max = 24): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A short piece of `text` around `offset`. */
export function excerptAt(text: string, offset: number): string {
  const from = Math.max(0, offset - 12);
  const to = Math.min(text.length, offset + 24);
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}

/** A Cql2Error placed at `offset` of `text`. */
export function errorAt(text: string, offset: number, message: string): Cql2Error {
  return new Cql2Error(message, offset, excerptAt(text, offset));
}
