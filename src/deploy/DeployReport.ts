import type { Diagnostic } from '../diagnostics/Diagnostic.js';

/** How one instance's deploy ended. */
export interface DeployReport {
  instance: string;
  server: string;
  host: string;
  branch: string;
  from?: string;
  to: string;
  outcome: 'deployed' | 'unchanged' | 'failed' | 'rolled-back' | 'unreachable' | 'refused';
  updated: string[];
  installed: string[];
  /** Files and bytes sent, files hard-linked to the previous release. */
  uploaded?: { files: number; bytes: number; linked: number; totalBytes: number };
  /** The pre-update backup's name (blink-restore --at). */
  backup?: string;
  notice?: string;
  /** An interrupted earlier deploy of this instance found and dealt with first. */
  recovered?: { run: string; outcome: 'completed' | 'rolled-back' | 'abandoned' };
  /** Steps done, in order. */
  done: string[];
  seconds: number;
  diagnostics: Diagnostic[];
}
