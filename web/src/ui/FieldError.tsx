import type { z } from 'zod';

/**
 * A form field checked with the contract schema the server parses it with, before anything is sent: the schema's
 * own message (Chinese, the one the server would answer) or null when it accepts the value.
 */
export function fieldProblem(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? '输入有误');
}

/** The message beside its field; `id` is what the field's `aria-describedby` names. */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <span className="field-error" id={id} role="alert">
      {message}
    </span>
  );
}
