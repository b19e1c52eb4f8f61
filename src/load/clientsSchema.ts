import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The schema is a file users point their editor at, so it lives in schema/ and
// is read from there both from src/ (tests) and dist/ (the CLI).
const here = dirname(fileURLToPath(import.meta.url));
export const clientsSchema: Record<string, unknown> = JSON.parse(readFileSync(join(here, '..', '..', 'schema', 'clients.schema.json'), 'utf8'));
