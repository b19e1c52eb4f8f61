import type { Readable, Writable } from 'node:stream';
import type { HttpResult } from './Transport.js';

/**
 * A minimal HTTP/1.0 GET over any byte stream: a TCP socket locally, or
 * `ssh -W` through the master connection, so the server needs no curl.
 */
export function httpOverStream(input: Writable, output: Readable, url: URL, timeoutMs: number, done: () => void): Promise<HttpResult> {
  return new Promise((resolve) => {
    let buf = '';
    let settled = false;
    const finish = (r: HttpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    output.on('data', (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(buf);
      if (m) finish({ status: Number(m[1]) });
      else if (buf.length > 64 || buf.includes('\n')) finish({ error: 'not an HTTP answer' });
    });
    output.on('end', () => finish({ error: buf ? 'not an HTTP answer' : 'connection closed' }));
    output.on('error', (e) => finish({ error: e.message }));
    input.on('error', (e) => finish({ error: e.message }));
    input.write(`GET ${url.pathname}${url.search} HTTP/1.0\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  });
}
