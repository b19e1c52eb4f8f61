/**
 * Validates a five-field cron schedule the way Debian's cron reads it: numbers,
 * ranges, steps, lists, month and weekday names, or one of the @ shortcuts
 * (except @reboot, which is not a schedule). Returns a problem, or undefined.
 */
export function checkCron(expr: string): string | undefined {
  const s = expr.trim();
  if (s.startsWith('@')) {
    return ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(s)
      ? undefined
      : `'${s}' is not a cron shortcut (use @hourly, @daily, @weekly, @monthly or @yearly)`;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `a schedule has 5 fields (minute hour day month weekday), this one has ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = checkField(fields[i]!, FIELDS[i]!);
    if (problem) return `${FIELDS[i]!.name} field '${fields[i]}': ${problem}`;
  }
  return undefined;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // cron accepts 7 as Sunday too.
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function checkField(field: string, spec: FieldSpec): string | undefined {
  for (const part of field.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return 'more than one /';
    if (step !== undefined && !/^\d+$/.test(step)) return `step '${step}' is not a number`;
    if (step !== undefined && (Number(step) < 1 || Number(step) > spec.max)) return `step ${step} is out of range`;
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return `'${range}' is not a range`;
    const values: number[] = [];
    for (const b of bounds) {
      const v = value(b, spec);
      if (v === undefined) return `'${b}' is not a ${spec.name} (${spec.min}-${spec.max}${spec.names ? ' or a name' : ''})`;
      values.push(v);
    }
    // Debian cron refuses a range whose start is after its end.
    if (values.length === 2 && values[0]! > values[1]!) return `range '${range}' runs backwards`;
  }
  return undefined;
}

function value(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const idx = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  return idx < 0 ? undefined : idx + (spec.min === 1 ? 1 : 0);
}
