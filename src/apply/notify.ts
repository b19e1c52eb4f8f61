import { warning, type Diagnostic } from '../diagnostics/Diagnostic.js';

/** POST the run's JSON summary to a webhook; a failure is a warning, the apply already happened. */
export async function notify(url: string, summary: unknown, timeoutMs = 10_000): Promise<Diagnostic | undefined> {
  try {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(summary),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return r.ok ? undefined : warning('BLINK511', `--notify ${url} answered HTTP ${r.status}`);
  } catch (e) {
    return warning('BLINK511', `--notify ${url} failed: ${(e as Error).message}`);
  }
}
