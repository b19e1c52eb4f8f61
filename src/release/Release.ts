/**
 * One commit's custom-addons tree, as blink-deploy ships it: every regular
 * file with its content hash, grouped into modules. Built on the operator's
 * machine from `git archive`; the server needs no git.
 */
export interface Release {
  /** Full 40-hex commit id. */
  commit: string;
  /** Files in path order; paths are relative to the addons folder (`my_module/models/x.py`). */
  files: ReleaseFile[];
  /** Modules by technical name (a top-level folder with a `__manifest__.py`). */
  modules: Map<string, ReleaseModule>;
}

export interface ReleaseFile {
  path: string;
  /** 0o644, or 0o755 for files git records as executable. */
  mode: number;
  /** Hex sha256 of the content. */
  sha256: string;
  size: number;
  /**
   * The bytes, when read: always for manifests and for files the release
   * checks must look at; otherwise read from git when a server lacks the file.
   */
  content?: Buffer;
  /** git's object id of the content, for reading it later. */
  blob?: string;
}

/** A release file with its bytes. */
export type ReadFile = ReleaseFile & { content: Buffer };

export interface ReleaseModule {
  name: string;
  /** sha256 over the module's files (path within the module, mode, content hash): equal hashes mean equal code. */
  hash: string;
  /** From the manifest; absent when the manifest did not parse (the release checks report it). */
  version?: string;
  depends: string[];
  /** `auto_install` from the manifest (true, or a list of modules). */
  autoInstall?: boolean | string[];
  /** Present, and false, only when the manifest says `'installable': False`: Odoo refuses to install the module. */
  installable?: false;
}
