import { createHash } from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import { findByIdInTenant } from '../../platform/db/tenancy.plugin.js';
import { AppError } from '../../platform/errors.js';
import { iso } from '../../platform/records/dto.js';
import { roleModel } from '../identity/role.model.js';
import { laidOut, roleDashboards, widgetsAddedAfterFirstRelease, type WidgetSpec } from './dashboard-defaults.js';
import { dashboardModel, type Dashboard } from './reporting.model.js';

export interface DashboardInput {
  name: string;
  widgets: WidgetSpec[];
}

/** The id of a role's seeded default dashboard: derived from tenant and role, so seeding it twice makes one. */
export function defaultDashboardId(tenantId: Types.ObjectId, roleKey: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`dashboard:${String(tenantId)}:${roleKey}`).digest('hex').slice(0, 24));
}

/** Dashboards as data: each role's defaults, and the ones people make for themselves. */
export function createDashboardsService(deps: { connection: Connection }) {
  const Dashboards = dashboardModel(deps.connection);

  const editable = (principal: Principal, d: Dashboard) => (d.ownerId ? d.ownerId.equals(principal.userId) : principal.role.isAdmin);

  function toDto(principal: Principal, d: Dashboard) {
    return {
      id: String(d._id),
      name: d.name,
      role: d.role ?? null,
      owner: d.ownerId ? String(d.ownerId) : null,
      widgets: d.widgets ?? [],
      editable: editable(principal, d),
      version: d.version ?? 0,
      createdAt: iso(d.createdAt) ?? '',
      updatedAt: iso(d.updatedAt) ?? '',
    };
  }

  /**
   * Brings a stored role default up to the release: the widgets its template gained since it was last
   * seeded are added below the others, and nothing else changes (an admin's arrangement, a widget they
   * removed). A default with no memory of its seeding (stored before there was one) counts as seeded
   * with the first release's widgets. One conditional write on the version: a concurrent upgrade or edit
   * wins, and the next read tries again.
   */
  async function upgradeRoleDefault(found: Dashboard, template: { widgets: WidgetSpec[] }, seeded: { hash: string; widgetIds: string[] }): Promise<void> {
    if (found.seeded?.hash === seeded.hash) return;
    const known = new Set(found.seeded?.widgetIds ?? template.widgets.map((w) => w.id).filter((id) => !widgetsAddedAfterFirstRelease.has(id)));
    const have = new Set((found.widgets ?? []).map((w) => w.id));
    const added = template.widgets.filter((w) => !known.has(w.id) && !have.has(w.id)).map(({ x: _x, y: _y, w: _w, h: _h, ...w }) => w);
    const bottom = Math.max(0, ...(found.widgets ?? []).map((w) => w.y + w.h));
    await Dashboards.updateOne({ _id: found._id, tenantId: found.tenantId, version: found.version }, { $set: { widgets: [...(found.widgets ?? []), ...laidOut(added, bottom)], seeded }, $inc: { version: 1 } });
  }

  /** Stores a role's built-in default once (a second call, from anywhere, finds it there), and brings a stored one up to the release. */
  async function ensureRoleDefault(tenantId: Types.ObjectId, roleKey: string): Promise<void> {
    const template = roleDashboards[roleKey];
    if (!template) return;
    const _id = defaultDashboardId(tenantId, roleKey);
    const seeded = { hash: createHash('sha256').update(JSON.stringify(template.widgets)).digest('hex').slice(0, 16), widgetIds: template.widgets.map((w) => w.id) };
    const found = (await findByIdInTenant(Dashboards, tenantId, _id)) as Dashboard | null;
    if (found) return upgradeRoleDefault(found, template, seeded);
    try {
      await Dashboards.create({ _id, tenantId, name: template.name, role: roleKey, ownerId: null, widgets: template.widgets, seeded });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }

  /** A dashboard the caller may open: their own, their role's, or (for an admin) any role's. */
  async function findVisible(principal: Principal, id: string): Promise<Dashboard> {
    const found = Types.ObjectId.isValid(id) ? ((await findByIdInTenant(Dashboards, principal.tenantId, new Types.ObjectId(id))) as Dashboard | null) : null;
    const visible = found && (found.ownerId ? found.ownerId.equals(principal.userId) : principal.role.isAdmin || found.role === principal.role.key);
    if (!visible) throw AppError.notFound('Dashboard');
    return found;
  }

  async function findEditable(principal: Principal, id: string): Promise<Dashboard> {
    const found = await findVisible(principal, id);
    if (!editable(principal, found)) throw new AppError('forbidden', 'A role’s default dashboard is changed by an admin; make your own copy to arrange it your way');
    return found;
  }

  return {
    ensureRoleDefault,

    /** Seeds every built-in role's default dashboard of an agency (the demo seed and new agencies). */
    async seedRoleDefaults(tenantId: Types.ObjectId): Promise<void> {
      for (const role of await roleModel(deps.connection).find({ tenantId }).select('key').lean()) await ensureRoleDefault(tenantId, role.key);
    },

    /** The caller's own dashboards, then their role's defaults (an admin gets every role's). */
    async list(principal: Principal) {
      await ensureRoleDefault(principal.tenantId, principal.role.key);
      const [mine, roles] = await Promise.all([
        Dashboards.find({ tenantId: principal.tenantId, ownerId: principal.userId }).lean(),
        principal.role.isAdmin ? Dashboards.find({ tenantId: principal.tenantId, ownerId: null }).lean() : Dashboards.find({ tenantId: principal.tenantId, role: principal.role.key }).lean(),
      ]);
      const rows = [...mine.sort((a, b) => String(a._id).localeCompare(String(b._id))), ...roles.filter((d) => d.role).sort((a, b) => (a.role === principal.role.key ? -1 : b.role === principal.role.key ? 1 : String(a.role).localeCompare(String(b.role))))];
      return { object: 'list' as const, data: rows.map((d) => toDto(principal, d as Dashboard)), hasMore: false, nextCursor: null };
    },

    async get(principal: Principal, id: string) {
      return toDto(principal, await findVisible(principal, id));
    },

    /** A dashboard of one's own, or (an admin, naming `role`) another default for a role. */
    async create(principal: Principal, input: DashboardInput & { role?: string | undefined }) {
      assertUniqueWidgets(input.widgets);
      if (input.role !== undefined) {
        if (!principal.role.isAdmin) throw new AppError('forbidden', 'Only an admin sets a role’s default dashboards');
        if (!(await roleModel(deps.connection).exists({ tenantId: principal.tenantId, key: input.role }))) throw AppError.invalidField('role', 'is not a role of this agency');
      }
      const created = await Dashboards.create({ tenantId: principal.tenantId, name: input.name, widgets: input.widgets, role: input.role ?? null, ownerId: input.role === undefined ? principal.userId : null });
      return toDto(principal, created.toObject() as Dashboard);
    },

    /** Replaces name and widgets (conditional on `ifMatch`, the version, when sent). */
    async update(principal: Principal, id: string, input: DashboardInput, ifMatch?: number) {
      assertUniqueWidgets(input.widgets);
      const existing = await findEditable(principal, id);
      if (ifMatch !== undefined && ifMatch !== existing.version) throw new AppError('version_conflict', 'The dashboard changed meanwhile', { extensions: { current: toDto(principal, existing) } });
      const done = await Dashboards.updateOne({ _id: existing._id, tenantId: principal.tenantId, version: existing.version }, { $set: { name: input.name, widgets: input.widgets }, $inc: { version: 1 } });
      if (!done.matchedCount) throw new AppError('version_conflict', 'The dashboard changed meanwhile; reload it and try again', { extensions: { current: toDto(principal, await findVisible(principal, id)) } });
      return toDto(principal, await findVisible(principal, id));
    },

    async remove(principal: Principal, id: string) {
      const existing = await findEditable(principal, id);
      await Dashboards.deleteOne({ _id: existing._id, tenantId: principal.tenantId });
    },
  };
}

function assertUniqueWidgets(widgets: WidgetSpec[]) {
  const seen = new Set<string>();
  widgets.forEach((w, i) => {
    if (seen.has(w.id)) throw AppError.invalidField(`widgets.${i}.id`, 'is used by another widget of this dashboard');
    seen.add(w.id);
    if (w.x + w.w > 12) throw AppError.invalidField(`widgets.${i}.w`, 'reaches past the 12th column (x + w must be at most 12)');
  });
}

export type DashboardsService = ReturnType<typeof createDashboardsService>;
