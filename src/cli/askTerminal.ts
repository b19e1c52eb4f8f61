import { createInterface } from 'node:readline';
import type { CliIo } from './CliIo.js';

/**
 * Ask one question on the terminal: the question on stderr (stdout may be a
 * pipe being read), the answer as one line from stdin. The CLI's streams are
 * plain writers, not Node streams, so readline only reads here and never
 * draws.
 */
export function askTerminal(io: CliIo & { stdin?: NodeJS.ReadableStream }): (question: string) => Promise<string> {
  return (question) =>
    new Promise((resolve) => {
      io.stderr.write(question);
      const rl = createInterface({ input: io.stdin ?? process.stdin, terminal: false });
      let answered = false;
      rl.once('line', (a) => {
        answered = true;
        rl.close();
        resolve(a);
      });
      // End of input (Ctrl-D) is a no.
      rl.once('close', () => answered || resolve(''));
    });
}
