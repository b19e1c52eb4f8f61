/**
 * The Handlebars sources render works from, already read from disk by
 * `loadTemplates`, so render itself stays pure.
 */
export interface TemplateSet {
  /** The templates folder as shown to users (used in diagnostics). */
  dir: string;
  /** File name (e.g. `vhost.conf.hbs`) → template source. */
  files: Map<string, string>;
}
