import { error, sortDiagnostics, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import type { Artifact } from '../model/Artifact.js';
import type { Fleet } from '../model/Fleet.js';
import { serverMode } from '../compile/serverMode.js';
import { buildInstanceContext } from './buildInstanceContext.js';
import { buildServerContext, buildServerView } from './buildServerContext.js';
import { contextStrings } from './contextStrings.js';
import { instanceFileSpecs, serverFileSpecs, type FileSpec } from './fileSpecs.js';
import { postgresFileSpec } from './postgresFileSpec.js';
import { findSecretRefs } from './findSecretRefs.js';
import { header } from './header.js';
import { createTemplateEngine, type TemplateEngine } from './TemplateEngine.js';
import type { InstanceTemplateContext, ServerTemplateContext } from './TemplateContext.js';
import type { TemplateSet } from './TemplateSet.js';

export interface RenderOptions {
  /**
   * Prefix for the filesystem paths templates name (certificates, logs,
   * webroot), so tests can validate a render under a throwaway folder.
   * Default: none. Artifact paths themselves are never prefixed.
   */
  root?: string;
  /** An engine made for these templates by an earlier call: a fleet rendered server by server compiles each template once. */
  engine?: TemplateEngine;
}

/** C0 and C1 controls, DEL and the Unicode line separators: anything that could end a line in some reader. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** The same, but for a multi-line text whose line ends are its own: a header is checked line by line only if this matches. */
const CONTROL_OUTSIDE_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Every file the fleet's servers need, sorted by server then path. Pure: the
 * templates come in as text. An artifact that cannot be rendered is left out
 * and explained by a diagnostic; the others still come out.
 */
export function renderFleet(fleet: Fleet, templates: TemplateSet, options: RenderOptions = {}): { artifacts: Artifact[]; diagnostics: Diagnostic[] } {
  const root = (options.root ?? '').replace(/\/+$/, '');
  const engine = options.engine ?? createTemplateEngine(templates);
  const artifacts: Artifact[] = [];
  const diagnostics: Diagnostic[] = [];
  const servers = new Map(fleet.servers.map((s) => [s.name, s]));
  const emit = (r: Artifact | Diagnostic): void => void ('code' in r ? diagnostics.push(r) : artifacts.push(r));

  for (const instance of fleet.instances) {
    const server = servers.get(instance.server);
    if (server === undefined) {
      // compile rejects this first; render must still not invent a server.
      diagnostics.push(error('BLINK020', `instance ${instance.id} is on server ${instance.server}, which the fleet does not define`, instance.source));
      continue;
    }
    const mode = serverMode(instance);
    if (mode.mode === 'unknown') {
      // compile reports this first (BLINK215); render must still not guess where /websocket goes.
      diagnostics.push(error('BLINK215', `instance ${instance.id}: ${mode.reason}; refusing to render its files`, mode.origin?.pos ?? instance.source, 'set workers to a number'));
      continue;
    }
    const context = buildInstanceContext(instance, buildServerView(server), { header: '', root });
    const checked = checkContext(context);
    const owner = { server: server.name, instance: instance.id, host: instance.host };
    for (const spec of instanceFileSpecs(fleet, instance)) {
      emit(renderOne(engine, spec, { ...context, header: header(spec.sources, spec.edit) }, checked, owner, instance.source));
    }
  }
  for (const server of fleet.servers) {
    // Every instance of the server is in this context: scan it once, not once per file.
    const context = buildServerContext(fleet, server, { header: '', root });
    const checked = checkContext(context);
    for (const spec of [...serverFileSpecs(fleet, server), postgresFileSpec(fleet, server)]) {
      emit(renderOne(engine, spec, { ...context, header: header(spec.sources, spec.edit) }, checked, { server: server.name }, server.source));
    }
  }

  artifacts.sort((a, b) => compare(a.server, b.server) || compare(a.path, b.path) || compare(a.instance ?? '', b.instance ?? ''));
  return { artifacts, diagnostics: sortDiagnostics(unique(diagnostics)) };
}

type Owner = Pick<Artifact, 'server' | 'instance' | 'host'>;

/** What render needs to know about a context's values: the first unsafe one, and the secret references they carry. */
interface CheckedContext {
  unsafe?: { path: string; value: string };
  refs: Set<string>;
}

function checkContext(context: InstanceTemplateContext | ServerTemplateContext): CheckedContext {
  const strings = contextStrings({ ...context, header: '' });
  const unsafe = strings.find((s) => CONTROL.test(s.value));
  const refs = new Set<string>();
  for (const s of strings) if (s.value.includes('${')) for (const r of findSecretRefs(s.value)) refs.add(r);
  return { ...(unsafe ? { unsafe } : {}), refs };
}

function renderOne(
  engine: TemplateEngine,
  spec: FileSpec,
  context: InstanceTemplateContext | ServerTemplateContext,
  checked: CheckedContext,
  owner: Owner,
  source: SourcePos,
): Artifact | Diagnostic {
  // Second wall behind compile's validation: one stray newline in a value
  // could smuggle a directive into odoo.conf, a unit or a vhost.
  const unsafe = checked.unsafe ?? (CONTROL_OUTSIDE_NEWLINE.test(context.header) ? headerLines(context.header).find((s) => CONTROL.test(s.value)) : undefined);
  if (unsafe !== undefined) {
    const code = unsafe.value.match(CONTROL)![0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    // Never the value itself: it may be a secret.
    return error('BLINK015', `${unsafe.path} contains a control character (U+${code}); refusing to render ${spec.path}`, source);
  }

  const base = {
    ...owner,
    path: spec.path,
    kind: spec.kind,
    mode: spec.mode,
    owner: spec.owner,
    role: spec.role,
    ...(spec.bootstrapFor !== undefined ? { bootstrapFor: spec.bootstrapFor } : {}),
  };
  if (spec.template === undefined) {
    return { ...base, content: '', ...(spec.linkTarget !== undefined ? { linkTarget: spec.linkTarget } : {}), secretRefs: [] };
  }

  const result = engine.render(spec.template, context);
  if (!result.ok) return result.diagnostic;
  if (!startsWithHeader(result.content, context.header)) {
    return error('BLINK400', `${spec.template} must start with {{header}} (after the shebang line, for scripts)`, { file: engine.file(spec.template), line: 1 }, 'every rendered file names its sources and says not to edit it by hand');
  }
  const content = result.content.trimEnd() + '\n';
  // A reference counts only if a config value brought it in: `${VAR}` written
  // in a template (shell scripts) is the file's own syntax, not a secret.
  const secretRefs = checked.refs.size && content.includes('${') ? findSecretRefs(content).filter((r) => checked.refs.has(r)) : [];
  return { ...base, content, secretRefs };
}

function startsWithHeader(content: string, header: string): boolean {
  if (content.startsWith(header)) return true;
  return content.startsWith('#!') && content.slice(content.indexOf('\n') + 1).startsWith(header);
}

function headerLines(header: string): { path: string; value: string }[] {
  return header.replace(/\n$/, '').split('\n').map((value) => ({ path: 'header', value }));
}

function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.file, d.line, d.column, d.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
