/**
 * blink-fleet: compile a declarative Odoo 18 hosting fleet into every file its
 * servers need, diff it against the live servers and apply it safely.
 *
 * The pipeline, each stage usable on its own:
 *   loadFleetSource → compileFleet → renderFleet → outFiles/writeOut
 * or all of load → render in one call with `build`.
 */

// Diagnostics: every stage reports problems as data.
export { CODES, error, warning, hasErrors, sortDiagnostics } from './diagnostics/Diagnostic.js';
export type { Diagnostic, DiagnosticCode, Severity, SourcePos } from './diagnostics/Diagnostic.js';
export { formatDiagnostic, summarize } from './diagnostics/formatDiagnostic.js';

// The resolved model.
export type { Fleet, Server, ServerCommands, Instance, ResolvedOption, OptionOrigin, BackupSettings, BackupEncryption } from './model/Fleet.js';
export type { Artifact, ArtifactKind } from './model/Artifact.js';
export type { ClientsFile } from './model/ClientsFile.js';

// load
export { loadFleetSource } from './load/loadFleetSource.js';
export type { FleetSource, LoadOptions } from './load/loadFleetSource.js';
export { nodeFs, memoryFs } from './load/SourceFs.js';
export type { SourceFs } from './load/SourceFs.js';
export { parseIni } from './load/parseIni.js';
export type { IniFile, IniSection, IniEntry } from './load/IniFile.js';
export { loadTemplates } from './load/loadTemplates.js';

// compile
export { compileFleet } from './compile/compileFleet.js';
export { explain, formatExplanation } from './compile/explain.js';
export type { Explanation } from './compile/explain.js';
export { checkOption } from './compile/checkOption.js';

// render
export { renderFleet } from './render/renderFleet.js';
export type { TemplateSet } from './render/TemplateSet.js';

// write
export { outFiles } from './write/outFiles.js';
export type { OutFile } from './write/outFiles.js';
export { writeOut, checkOut } from './write/writeOut.js';
export type { WriteResult, WriteOptions } from './write/writeOut.js';

// everything up to render in one call
export { build, compileSources } from './build.js';
export type { BuildOptions, BuildResult, Compiled } from './build.js';
export { renderCompiled } from './renderCompiled.js';

// secrets, remote, plan, apply: the blink-apply half
export { resolveSecrets } from './secrets/resolveSecrets.js';
export { secretsReady } from './secrets/secretsReady.js';
export { loadSecretsFile } from './secrets/loadSecretsFile.js';
export { maskForDiff, scrub } from './secrets/maskSecrets.js';
export type { Transport, ExecResult } from './remote/Transport.js';
export type { Remote } from './remote/Remote.js';
export type { RemoteState, Manifest } from './remote/RemoteState.js';
export type { Journal } from './remote/Journal.js';
export { readRemote } from './remote/readRemote.js';
export { shellRemote } from './remote/shellRemote.js';
export { memoryRemote, memoryServer } from './remote/memoryRemote.js';
export { sshTransport } from './remote/sshTransport.js';
export { localTransport } from './remote/localTransport.js';
export { shellSession } from './remote/shellSession.js';
export type { ShellSession } from './remote/shellSession.js';
export { realRemotes } from './remote/remoteFor.js';
export { plan, pathsToFetch } from './plan/plan.js';
export type { ServerPlan, FilePlan } from './plan/ServerPlan.js';
export type { Actions } from './plan/Actions.js';
export { desiredFiles, readPaths } from './plan/DesiredFile.js';
export type { DesiredFile } from './plan/DesiredFile.js';
export { formatServerPlan } from './plan/formatPlan.js';
export { planJson } from './plan/planJson.js';
export { nextManifest } from './plan/nextManifest.js';
export { applyPlan } from './apply/applyPlan.js';
export { recover } from './apply/recover.js';
export { diffFleet, applyFleet } from './apply/applyFleet.js';
export { selectFleet, withArtifacts } from './apply/selectFleet.js';
export type { ApplyContext } from './apply/ApplyContext.js';
export type { ApplyReport } from './apply/ApplyReport.js';
