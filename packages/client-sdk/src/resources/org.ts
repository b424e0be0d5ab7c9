import type { Schema } from '../core/api-types.js';
import { CrudResource } from '../core/crud-resource.js';
import type { Transport } from '../core/transport.js';

/** A node of the organisation: a unit (division), department, designation or team. */
export type OrgNode = Schema<'OrgNode'>;
/** The body of `crm.org.units.create`. */
export type OrgUnitCreateParams = Schema<'CreateUnitRequest'>;
/** The body of `crm.org.units.update`. */
export type OrgUnitUpdateParams = Schema<'UpdateUnitRequest'>;
/** The body of `crm.org.departments.create`. */
export type OrgDepartmentCreateParams = Schema<'CreateDepartmentRequest'>;
/** The body of `crm.org.departments.update`. */
export type OrgDepartmentUpdateParams = Schema<'UpdateDepartmentRequest'>;
/** The body of `crm.org.designations.create`. */
export type OrgDesignationCreateParams = Schema<'CreateDesignationRequest'>;
/** The body of `crm.org.designations.update`. */
export type OrgDesignationUpdateParams = Schema<'UpdateDesignationRequest'>;
/** The body of `crm.org.teams.create`: name, members and products. */
export type OrgTeamCreateParams = Schema<'CreateTeamRequest'>;
/** The body of `crm.org.teams.update`: lists given (members, products) replace the current ones. */
export type OrgTeamUpdateParams = Schema<'UpdateTeamRequest'>;

/** One kind of organisation node under `/v1/org/<kind>`, with list / get / create / update / remove. */
export class OrgNodes<TCreate, TUpdate> extends CrudResource<OrgNode, TCreate, TUpdate> {
  protected readonly resource: string;

  /** `kind` is the plural path segment: `units`, `departments`, `designations` or `teams`. */
  constructor(transport: Transport, kind: 'units' | 'departments' | 'designations' | 'teams') {
    super(transport);
    this.resource = `org/${kind}`;
  }
}

/**
 * The agency's organisation (`crm.org`): units, departments, designations and teams.
 *
 * @example const team = await crm.org.teams.create({ name: 'Inside sales', departmentId });
 */
export class Org {
  /** Units or divisions. */
  readonly units: OrgNodes<OrgUnitCreateParams, OrgUnitUpdateParams>;
  /** Departments. */
  readonly departments: OrgNodes<OrgDepartmentCreateParams, OrgDepartmentUpdateParams>;
  /** Designations (job titles with a level). */
  readonly designations: OrgNodes<OrgDesignationCreateParams, OrgDesignationUpdateParams>;
  /** Teams, with their members and products. */
  readonly teams: OrgNodes<OrgTeamCreateParams, OrgTeamUpdateParams>;

  constructor(transport: Transport) {
    this.units = new OrgNodes(transport, 'units');
    this.departments = new OrgNodes(transport, 'departments');
    this.designations = new OrgNodes(transport, 'designations');
    this.teams = new OrgNodes(transport, 'teams');
  }
}
