import { asksDatabase } from '../compile/healthUrls.js';
import type { HttpResult } from '../remote/Transport.js';

/**
 * What one answer of a health URL says, as data: undefined when healthy,
 * else what was wrong. Odoo 18's routes answer JSON (web/controllers/home.py,
 * bus/controllers/websocket.py): `{"status": "pass"}`, and when the URL asks
 * with `db_server_status=<anything non-empty>`, also `"db_server_status": true`
 * once a connection to the database server opened — or HTTP 500 with
 * `{"status": "fail", "db_server_status": false}` when it did not. A 200 from
 * something else (a proxy's page, another service on the port) is not health.
 */
export function judgeHealth(url: string, answer: HttpResult): HealthProblem | undefined {
  if ('error' in answer) return { answered: answer.error };
  const data = parseJson(answer.body);
  const shown = `HTTP ${answer.status} ${data === undefined ? excerpt(answer.body) : cut(JSON.stringify(data))}`;
  const wantsDatabase = asksDatabase(url);
  if (isObject(data) && data['db_server_status'] === false) {
    return { answered: shown, databaseDown: true };
  }
  if (answer.status !== 200) return { answered: shown };
  if (!isObject(data) || typeof data['status'] !== 'string') return { answered: `${shown}, not Odoo's health answer (JSON with "status")` };
  if (data['status'] !== 'pass') return { answered: shown };
  if (wantsDatabase && data['db_server_status'] !== true) return { answered: `${shown}, without "db_server_status": true` };
  return undefined;
}

export interface HealthProblem {
  /** The answer, shown: `HTTP 500 {"status":"fail",…}`, or why there was none. */
  answered: string;
  /** Odoo answered, but could not reach its database server. */
  databaseDown?: true;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The start of a body that is not JSON, on one line, for the message. */
function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${JSON.stringify(flat.slice(0, 60))}…` : flat ? JSON.stringify(flat) : '(empty body)';
}

/** Odoo's answers are short; anything else is shown by its start. */
function cut(json: string): string {
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}
