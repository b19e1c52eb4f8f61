import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a config file as UTF-8, refusing what no text editor would produce:
 * an empty file, NUL bytes or invalid UTF-8 (usually a binary dropped in by
 * mistake). Returns the text, or the diagnostic.
 */
export function checkText(bytes: Uint8Array, file: string): string | Diagnostic {
  const at = { file, line: 1, column: 1 };
  if (bytes.length === 0) return error('BLINK002', 'file is empty', at, 'write the file, or remove it if it is not needed');
  if (bytes.includes(0)) return error('BLINK002', 'file is binary (contains NUL bytes)', at, 'this should be a UTF-8 text file');
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return error('BLINK002', 'file is not valid UTF-8 text', at, 'save the file as UTF-8');
  }
  if (text.trim() === '') return error('BLINK002', 'file is empty', at, 'write the file, or remove it if it is not needed');
  return text;
}
