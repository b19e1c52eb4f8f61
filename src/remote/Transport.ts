/**
 * How blink reaches one server: run a POSIX shell script there. Everything
 * else (reading state, staging, swapping) is built from scripts on top of
 * this, so ssh and local differ only here.
 */
export interface Transport {
  /** Server name, for messages. */
  readonly server: string;
  /** What the user would call the target: `ubuntu@host` or `local`. */
  readonly target: string;
  /** Connect (ssh: the master connection every later step reuses); an error message when the server cannot be reached. */
  open(): Promise<string | undefined>;
  /** Run `script` with `sh -c` on the server, `stdin` fed to it. Never rejects for a non-zero exit. */
  exec(script: string, stdin?: Uint8Array | string): Promise<ExecResult>;
  /**
   * Start a script that lives as long as this process keeps it: its stdin stays
   * open until `release()`, and closes by itself if this process dies. Used
   * for the server lock. `input` is written to its stdin first (the script's
   * values, read with `read`). Resolves with the first line the script prints.
   */
  hold(script: string, input?: Uint8Array): Promise<Held>;
  /** GET a URL as seen from the server (the health check), without needing curl there; the whole answer. */
  httpGet(url: string, timeoutMs: number): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
  /** The transport itself failed: the command never ran. */
  unreachable?: boolean;
}

export interface Held {
  firstLine: string;
  release(): Promise<void>;
}

/** An answer (its body as UTF-8 text), or why there was none. */
export type HttpResult = { status: number; body: string } | { error: string };
