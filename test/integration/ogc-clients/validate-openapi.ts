/**
 * Checks the OpenAPI document on stdin against the official OpenAPI 3.0 JSON Schema and writes
 * `{ valid, errors? }` as JSON. Run with tsx in its own process: the validator is an ES module, which jest's
 * module loader does not run.
 */
import { Validator } from '@seriousme/openapi-schema-validator';

async function main(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const result = await new Validator().validate(JSON.parse(text) as Record<string, unknown>);
  process.stdout.write(JSON.stringify(result.valid ? { valid: true } : { valid: false, errors: result.errors }));
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
