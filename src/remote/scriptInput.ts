/**
 * A server script's input: one value a line, then any payload. Values are
 * data the script reads with `read`, never script text; a value with a line
 * break or NUL could split into two, so it is refused here (callers validate
 * first). Shared by blink-apply's and blink-deploy's scripts.
 */
export function scriptInput(values: readonly string[], payload?: Uint8Array): Buffer | { error: string } {
  const bad = values.find((v) => /[\n\r\0]/.test(v));
  if (bad !== undefined) return { error: `refusing a value with a line break: ${JSON.stringify(bad.slice(0, 80))}` };
  const head = Buffer.from(values.map((v) => v + '\n').join(''));
  return payload ? Buffer.concat([head, payload]) : head;
}
