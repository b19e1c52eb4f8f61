import { didYouMean } from '../diagnostics/didYouMean.js';
import type { Fleet, Instance, OptionOrigin } from '../model/Fleet.js';
import { serverMode } from './serverMode.js';

export interface Explanation {
  host: string;
  instance: string;
  key: string;
  /** Final value, undefined when no layer sets the key. */
  value?: string;
  /** Every layer that set the key, lowest first; the last one wins. */
  chain: OptionOrigin[];
  /** For the keys that decide it (workers, http_port, gevent_port): where the vhost sends /websocket, and why. */
  websocket?: WebsocketRoute;
}

export interface WebsocketRoute {
  mode: 'threaded' | 'prefork' | 'unknown';
  /** Absent when the mode is unknown. */
  target?: { key: 'http_port' | 'gevent_port'; port: number };
  reason: string;
}

/** The odoo.conf keys whose explanation also shows the /websocket route. */
const ROUTING_KEYS = new Set(['workers', 'http_port', 'gevent_port']);

/**
 * Why does HOST's odoo.conf say what it says for KEY? Returns the chain, or a
 * problem with a suggestion when the host or key is unknown.
 */
export function explain(fleet: Fleet, host: string, key: string): { explanation?: Explanation; problem?: string } {
  const inst = fleet.instances.find((i) => i.host === host || i.id === host);
  if (!inst) {
    const guess = didYouMean(host, fleet.instances.map((i) => i.host));
    return { problem: `no instance has host '${host}'${guess ? `; did you mean ${guess}?` : ''}` };
  }
  const k = key.toLowerCase();
  const opt = inst.options.find((o) => o.key === k);
  const route = ROUTING_KEYS.has(k) ? { websocket: websocketRoute(inst) } : {};
  if (!opt) {
    const guess = didYouMean(k, inst.options.map((o) => o.key));
    return {
      explanation: { host: inst.host, instance: inst.id, key: k, chain: [], ...route },
      problem: `${k} is not set for ${inst.host} (Odoo uses its built-in default)${guess ? `; did you mean ${guess}?` : ''}`,
    };
  }
  return { explanation: { host: inst.host, instance: inst.id, key: k, value: opt.value, chain: opt.chain, ...route } };
}

function websocketRoute(inst: Instance): WebsocketRoute {
  const m = serverMode(inst);
  return { mode: m.mode, ...(m.websocket ? { target: m.websocket } : {}), reason: m.reason };
}

/** Human form, one line per layer, the winner marked. */
export function formatExplanation(e: Explanation): string {
  const lines = [`${e.host} (${e.instance}): ${e.key} = ${e.value ?? '(not set)'}`];
  e.chain.forEach((o, idx) => {
    const won = idx === e.chain.length - 1;
    const where = `${o.pos.file}:${o.pos.line}:${o.pos.column}`;
    const what = o.layer === 'derived' ? `derived from ${o.path}` : o.layer === 'environment' ? `set at ${o.path}` : `${o.layer} layer`;
    lines.push(`  ${won ? '→' : ' '} ${e.key} = ${o.value}    ${where}  (${what})${won ? '' : '  overridden'}`);
  });
  if (e.websocket) {
    const to = e.websocket.target ? `127.0.0.1:${e.websocket.target.port} (${e.websocket.target.key})` : 'unknown';
    lines.push(`  nginx: /websocket → ${to}: ${e.websocket.reason}`);
  }
  return lines.join('\n');
}
