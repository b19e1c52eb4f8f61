/**
 * Child process of `bench/render.ts --write-only`: builds the synthetic
 * fleet, then times outFiles and writeOut alone. Prints one JSON line.
 * Usage: node --import tsx bench/lib/writeOnlyChild.ts OUT CLIENTS SERVERS
 */
import { hasErrors } from '../../src/diagnostics/Diagnostic.js';
import { outFiles } from '../../src/write/outFiles.js';
import { writeOut } from '../../src/write/writeOut.js';
import { syntheticFleet } from './syntheticFleet.js';

const [out, clients, servers] = process.argv.slice(2);
const t0 = performance.now();
const { fleet, artifacts } = syntheticFleet({ clients: Number(clients), servers: Number(servers) });
const t1 = performance.now();
const files = outFiles(fleet, artifacts);
const t2 = performance.now();
const r = writeOut(out!, files);
const t3 = performance.now();
process.stdout.write(
  JSON.stringify({
    files: files.length,
    fleetMs: t1 - t0,
    outFilesMs: t2 - t1,
    writeOutMs: t3 - t2,
    written: r.written.length,
    unchanged: r.unchanged.length,
    removed: r.removed.length,
    maxRssKb: process.resourceUsage().maxRSS,
    diagnostics: r.diagnostics,
  }) + '\n',
);
process.exitCode = hasErrors(r.diagnostics) ? 1 : 0;
