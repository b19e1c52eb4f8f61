import { pythonStrip } from '../load/parseIni.js';
import type { Instance, OptionOrigin } from '../model/Fleet.js';

/**
 * Which of Odoo 18's servers `odoo-bin` starts, and so where `/websocket` is
 * served. odoo/service/server.py `start()`: `if odoo.evented` (only the
 * `gevent` sub-command the prefork master re-executes itself with) →
 * GeventServer; `elif config['workers']` → PreforkServer, which also spawns
 * that gevent process on `gevent_port`; else ThreadedServer, which serves
 * every route, `/websocket` included, on `http_port` and opens no gevent
 * listener. `workers` comes from odoo.conf only (the unit passes nothing but
 * `--config`), cast by optparse to an int: any non-zero number, negative ones
 * too, is truthy and means prefork.
 */
export interface ServerMode {
  /** `unknown` when the value is not a number blink can read (a `${…}` reference resolved only by apply). */
  mode: 'threaded' | 'prefork' | 'unknown';
  /** `workers` as the rendered odoo.conf says it; `0` when no layer sets it. */
  workers: string;
  /** The layer that set `workers`, undefined when Odoo's own default (0) applies. */
  origin?: OptionOrigin;
  /** Where nginx must send `/websocket`; absent when the mode is unknown. */
  websocket?: { key: 'http_port' | 'gevent_port'; port: number };
  /** One line for --explain: the value, then what it means for `/websocket`. */
  reason: string;
  /**
   * The same without the count, for the vhost's comment: the vhost changes
   * (and nginx reloads) when the route moves, not when workers goes from 2 to 4.
   */
  rule: string;
}

/** Odoo 18's built-in `workers` (odoo/tools/config.py, `--workers` my_default=0). */
const ODOO_DEFAULT_WORKERS = '0';
/** What compile's int check lets through for an int key (checkOption's DECIMAL_INT). */
const WHOLE_NUMBER = /^[+-]?\d+$/;

/** The mode the instance's rendered odoo.conf selects: its effective `workers`, after every layer. */
export function serverMode(instance: Pick<Instance, 'options' | 'port' | 'geventPort'>): ServerMode {
  const option = instance.options.find((o) => o.key === 'workers');
  const workers = option === undefined ? ODOO_DEFAULT_WORKERS : pythonStrip(option.value);
  const origin = option?.chain[option.chain.length - 1];
  const at = origin ? { origin } : {};
  if (!WHOLE_NUMBER.test(workers)) {
    const what = 'not a number until apply resolves it, so the server mode is unknown';
    return { mode: 'unknown', workers, ...at, reason: `workers = ${workers}: ${what}`, rule: `workers is ${what}` };
  }
  if (Number(workers) === 0) {
    const what = 'threaded server serves /websocket on the HTTP port';
    return { mode: 'threaded', workers, ...at, websocket: { key: 'http_port', port: instance.port }, reason: `workers = ${workers}: ${what}`, rule: `workers = 0: ${what}` };
  }
  const what = 'prefork server serves /websocket from its gevent process on the gevent port';
  return { mode: 'prefork', workers, ...at, websocket: { key: 'gevent_port', port: instance.geventPort }, reason: `workers = ${workers}: ${what}`, rule: `workers not 0: ${what}` };
}
