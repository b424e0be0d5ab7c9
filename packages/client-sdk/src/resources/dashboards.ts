import type { Schema } from '../core/api-types.js';
import type { PagePromise } from '../core/pagination.js';
import { requestPage } from '../core/pagination.js';
import { path } from '../core/path.js';
import { etagOf, type RequestOptions, type UpdateOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** A dashboard: a role's default or a person's own, with its widgets on a 12-column grid. */
export type Dashboard = Schema<'Dashboard'>;
/** One widget: a gauge, a chart or a figure of one metric. */
export type DashboardWidget = Schema<'DashboardWidget'>;
/** The body of `crm.dashboards.create` (`role` makes a role's default; admins only). */
export type DashboardCreateParams = Schema<'CreateDashboard'>;
/** The body of `crm.dashboards.update`: the name and every widget (it replaces them). */
export type DashboardUpdateParams = Schema<'UpdateDashboard'>;
/** The signed-in person's menu of the internal portal: the pages their department sees, and where it came from. */
export type MyMenu = Schema<'MyMenu'>;
/** A department's menu (or the agency's default, `department: 'default'`). */
export type DepartmentMenu = Schema<'DepartmentMenu'>;
/** The body of `crm.dashboards.setMenu`: the page keys in menu order. */
export type DepartmentMenuSetParams = Schema<'DepartmentMenuSet'>;

/**
 * Dashboards as data (`crm.dashboards`): the signed-in user's own and their role's default.
 *
 * @example
 * const [first] = (await crm.dashboards.list()).data;
 * const mine = await crm.dashboards.create({ name: 'My week', widgets: first.widgets });
 * await crm.dashboards.update(mine.id, { name: 'My week', widgets: mine.widgets.slice(1) }, { ifMatch: mine.version });
 */
export class Dashboards extends APIResource {
  /** The caller's dashboards, then their role's default (an admin gets every role's). */
  list(options?: RequestOptions): PagePromise<Dashboard> {
    return requestPage<Dashboard>(this._transport, '/v1/dashboards', undefined, options);
  }

  get(id: string, options?: RequestOptions): Promise<Dashboard> {
    return this._transport.get<Dashboard>(path`/v1/dashboards/${id}`, undefined, options);
  }

  /** Makes a dashboard; a retried create never makes two. */
  create(params: DashboardCreateParams, options?: RequestOptions): Promise<Dashboard> {
    return this._transport.post<Dashboard>('/v1/dashboards', params, options, true);
  }

  /** Replaces the name and widgets; with `ifMatch` only if the dashboard still has that `version`. */
  async update(id: string, params: DashboardUpdateParams, options: UpdateOptions = {}): Promise<Dashboard> {
    const { ifMatch, ...requestOptions } = options;
    const headers = ifMatch === undefined ? undefined : { 'If-Match': etagOf(ifMatch) };
    return (await this._transport.request<Dashboard>({ method: 'PUT', path: path`/v1/dashboards/${id}`, body: params, ...(headers ? { headers } : {}) }, requestOptions)).data;
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    return this._transport.delete(path`/v1/dashboards/${id}`, options);
  }

  /** My menu of the internal portal: my department's, else the agency's default, else the built-in one (`source`). */
  myMenu(options?: RequestOptions): Promise<MyMenu> {
    return this._transport.get<MyMenu>('/v1/menus/mine', undefined, options);
  }

  /** The agency's department menus and its default (admins only). */
  async listMenus(options?: RequestOptions): Promise<DepartmentMenu[]> {
    return (await this._transport.get<{ data: DepartmentMenu[] }>('/v1/menus', undefined, options)).data;
  }

  /** Sets the pages a department (its org id) or every department without its own (`'default'`) sees; admins only. */
  async setMenu(department: string, params: DepartmentMenuSetParams, options?: RequestOptions): Promise<DepartmentMenu> {
    return (await this._transport.request<DepartmentMenu>({ method: 'PUT', path: path`/v1/menus/${department}`, body: params }, options)).data;
  }
}
