/** A `--notify` endpoint on 127.0.0.1 that keeps every body it is sent. */
import { createServer } from 'node:http';

export interface Webhook {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

export async function startWebhook(): Promise<Webhook> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => (bodies.push(b), res.end()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}
