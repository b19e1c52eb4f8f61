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
export type { Explanation, WebsocketRoute } from './compile/explain.js';
export { serverMode } from './compile/serverMode.js';
export type { ServerMode } from './compile/serverMode.js';
export { checkOption } from './compile/checkOption.js';
export { odooModules } from './compile/odooModules.js';
export type { OdooModule } from './compile/odooModules.js';
export { locateModule } from './compile/locateModule.js';
export type { ModuleLocation, ModuleSources } from './compile/locateModule.js';

// render
export { renderFleet } from './render/renderFleet.js';
export { managedPath } from './render/managedPath.js';
export type { ManagedPath } from './render/managedPath.js';
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
export type { ResolvedSecrets, ResolveOptions, UnresolvedSecrets, SecretSources } from './secrets/resolveSecrets.js';
export { secretsReady } from './secrets/secretsReady.js';
export { loadSecretsFile } from './secrets/loadSecretsFile.js';
export { maskForDiff, maskLiveLine, scrub } from './secrets/maskSecrets.js';
export type { MaskOptions } from './secrets/maskSecrets.js';
export { knownPublicLines } from './secrets/knownPublic.js';
export { mayHoldSecrets } from './secrets/mayHoldSecrets.js';
export type { Transport, ExecResult, HttpResult } from './remote/Transport.js';
export type { Remote } from './remote/Remote.js';
export type { RemoteState, Manifest } from './remote/RemoteState.js';
export type { Journal } from './remote/Journal.js';
export { readRemote } from './remote/readRemote.js';
export { parseRemoteState } from './remote/parseRemoteState.js';
export { shellRemote } from './remote/shellRemote.js';
export { memoryRemote, memoryServer } from './remote/memoryRemote.js';
export { sshTransport } from './remote/sshTransport.js';
export { localTransport } from './remote/localTransport.js';
export { shellSession } from './remote/shellSession.js';
export type { ShellSession } from './remote/shellSession.js';
export { realRemotes } from './remote/remoteFor.js';
export { plan, pathsToFetch } from './plan/plan.js';
export { compareUnresolved } from './plan/compareUnresolved.js';
export type { UnresolvedText, UnresolvedComparison } from './plan/compareUnresolved.js';
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

// release and deploy: the blink-deploy half
export { repoRoot, resolveBranch, resolveCommit, branchRef, isAncestor, commitsBetween, archiveAddons } from './release/git.js';
export { readRelease } from './release/readRelease.js';
export { checkRelease } from './release/checkRelease.js';
export { checkSources } from './release/checkSources.js';
export { changedModules, dependencyClosure, moduleHashes } from './release/changedModules.js';
export { branchPolicy } from './release/branchPolicy.js';
export type { Release, ReleaseFile, ReleaseModule } from './release/Release.js';
export type { DeployRemote, Upload, UpdateRun } from './remote/DeployRemote.js';
export type { DeployState, DeployJournal, DeployPhase, ReleaseRecord, InstanceReleases } from './remote/DeployState.js';
export { shellDeployRemote } from './remote/shellDeployRemote.js';
export { parseInstanceReleases } from './remote/parseInstanceReleases.js';
export { selectDeploy } from './deploy/selectDeploy.js';
export { prepareJobs } from './deploy/prepareJobs.js';
export { planDeploy, uploadPlan } from './deploy/planDeploy.js';
export type { InstanceDeployPlan, UpdateModules } from './deploy/DeployPlan.js';
export { deployInstance } from './deploy/deployInstance.js';
export { recoverDeploy } from './deploy/recoverDeploy.js';
export { deployServer, diffServer } from './deploy/deployServer.js';
export type { DeployJob, ServerDeployDiff } from './deploy/deployServer.js';
export { diffDeploy, runDeploy } from './deploy/deployFleet.js';
export { deployStatus, formatStatus } from './deploy/deployStatus.js';
export type { InstanceStatus } from './deploy/deployStatus.js';
export type { DeployContext } from './deploy/DeployContext.js';
export type { DeployReport } from './deploy/DeployReport.js';
