import type { Readable, Writable } from 'node:stream';
import type { HttpResult } from './Transport.js';

/** Odoo's health answers are a few dozen bytes; anything this long is not one, and its start says enough. */
const MAX_ANSWER = 64 * 1024;

/**
 * A minimal HTTP/1.0 GET over any byte stream: a TCP socket locally, or
 * `ssh -W` through the master connection, so the server needs no curl.
 * The answer is read whole (the body is judged, not just the status): up to
 * Content-Length, else until the server closes, as HTTP/1.0 has it. A server
 * must not send a chunked body to an HTTP/1.0 request, so none is decoded.
 */
export function httpOverStream(input: Writable, output: Readable, url: URL, timeoutMs: number, done: () => void): Promise<HttpResult> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (r: HttpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    /** The answer so far, if it is complete (or `closed`): status and body. */
    const answer = (closed: boolean): HttpResult | undefined => {
      const text = buf.toString('latin1');
      const status = /^HTTP\/\d\.\d (\d{3})/.exec(text);
      if (!status) return closed || text.length > 64 || text.includes('\n') ? { error: text ? 'not an HTTP answer' : 'connection closed' } : undefined;
      const headEnd = text.search(/\r?\n\r?\n/);
      if (headEnd < 0) return closed || buf.length >= MAX_ANSWER ? { error: 'the answer ended inside its headers' } : undefined;
      const bodyStart = headEnd + /\r?\n\r?\n/.exec(text.slice(headEnd))![0].length;
      const length = /^content-length:[ \t]*(\d+)[ \t]*\r?$/im.exec(text.slice(0, headEnd));
      const body = buf.subarray(bodyStart);
      const want = length ? Number(length[1]) : undefined;
      if (want !== undefined && body.length >= want) return { status: Number(status[1]), body: body.subarray(0, want).toString('utf8') };
      if (closed || buf.length >= MAX_ANSWER) return { status: Number(status[1]), body: body.subarray(0, MAX_ANSWER).toString('utf8') };
      return undefined;
    };
    output.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const r = answer(false);
      if (r) finish(r);
    });
    output.on('end', () => finish(answer(true)!));
    output.on('error', (e) => finish({ error: e.message }));
    input.on('error', (e) => finish({ error: e.message }));
    input.write(`GET ${url.pathname}${url.search} HTTP/1.0\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  });
}
