// What <crm-import-wizard> asks of the API, through the SDK's `crm.imports`: upload a file, save the
// mapping, dry-run, run, read the progress, the error file, and undo.
import type { CrmClient as SdkClient, Import, ImportDryRun as DryRunAnswer, ImportMappingParams, ImportUndone, SavedImportMapping, SavedImportMappingParams } from '@crm/client-sdk';
import { optionalPages } from './admin.js';

/** A dry run's summary. */
export type ImportDryRun = NonNullable<DryRunAnswer>;
import { isMissingRoute, readProblem } from './errors.js';
import type { CrmDataClient } from './transport.js';

export type { Import, ImportMappingParams, ImportUndone, SavedImportMapping };

/** Uploads a file as an import of `kind`. */
export function uploadImport(client: CrmDataClient, file: File, kind: Import['kind']): Promise<Import> {
  return client.imports.create(file, { kind, name: file.name });
}

/** Saves the mapping. */
export function saveImportMapping(client: CrmDataClient, id: string, params: ImportMappingParams): Promise<Import> {
  return client.imports.setMapping(id, params);
}

/** Validates every row without writing. */
export function dryRunImport(client: CrmDataClient, id: string): Promise<ImportDryRun> {
  return client.imports.dryRun(id) as Promise<ImportDryRun>;
}

/** Starts (or resumes) the run. */
export function runImport(client: CrmDataClient, id: string): Promise<Import> {
  return client.imports.run(id);
}

/** The import with its progress. */
export function loadImport(client: CrmDataClient, id: string): Promise<Import> {
  return client.imports.get(id);
}

/** The error file as CSV text. */
export function importErrors(client: CrmDataClient, id: string): Promise<string> {
  return client.imports.errors(id);
}

/** Removes what the import created and restores what it updated. */
export function undoImport(client: CrmDataClient, id: string): Promise<ImportUndone> {
  return client.imports.undo(id);
}

/** The agency's saved mappings of a kind. */
export function loadSavedMappings(client: CrmDataClient, kind: Import['kind']): Promise<SavedImportMapping[]> {
  return client.imports.savedMappings(kind);
}

/** Saves a mapping under a name for the next file of its kind. */
export function saveNamedMapping(client: CrmDataClient, kind: Import['kind'], params: SavedImportMappingParams): Promise<SavedImportMapping> {
  return client.imports.saveMapping(kind, params);
}

/** The states records of the kind may start in (its workflow); none when the role may not read workflows (the API still matches keys and labels). */
export async function loadImportStatuses(client: CrmDataClient, kind: Import['kind']): Promise<Array<{ key: string; label: string }>> {
  // A product's status is no workflow: its two states; a deal's is its stage (no status column).
  if (kind === 'products') return [{ key: 'active', label: 'Active' }, { key: 'disabled', label: 'Disabled' }];
  const workflow = ({ contacts: 'contact', leads: 'lead', customers: 'customer', tasks: 'callingTask', opportunities: null } as const)[kind];
  if (!workflow) return [];
  try {
    return (await client.workflows.get(workflow)).states.map((s) => ({ key: s.key, label: s.label }));
  } catch (error) {
    const problem = readProblem(error);
    if (isMissingRoute(problem) || problem.status === 403) return [];
    throw error;
  }
}

/** A team an assignment rule may deal rows to. */
export interface AssignTeam {
  id: string;
  name: string;
}

/** The agency's teams, for the assignment rule; none when the client has no `crm.org` or the role may not list teams. */
export async function loadAssignTeams(client: CrmDataClient): Promise<AssignTeam[]> {
  const org = (client as Partial<Pick<SdkClient, 'org'>>).org;
  if (typeof org?.teams?.list !== 'function') return [];
  const teams = await optionalPages(() => org.teams.list({ limit: 100 }));
  return teams.map((t) => ({ id: t.id, name: t.name }));
}
