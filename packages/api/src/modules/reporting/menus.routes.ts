import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import type { MenusService } from './menus.service.js';
import { departmentMenuListSchema, departmentMenuSchema, departmentParams, myMenuSchema, setDepartmentMenuBody } from './menus.schema.js';

/** The internal portal's menu per department (002): `/v1/menus`. */
export function menusRoutes(menus: MenusService): RouteSpec[] {
  const tags = ['Dashboards'];
  return [
    defineRoute({
      method: 'get', path: '/menus/mine', operationId: 'getMyMenu', summary: 'My menu: the pages my department sees', tags,
      description: "The caller's department's menu, else the agency's default, else the built-in one (`source` says which). Every host (the internal portal, an embedding app) renders its navigation from it.",
      access: access.authenticated,
      success: { status: 200, description: 'The menu', schema: myMenuSchema },
      handler: ({ req }) => menus.mine(req.principal!),
    }),
    defineRoute({
      method: 'get', path: '/menus', operationId: 'listMenus', summary: "List the agency's department menus", tags,
      description: 'The default and each department menu an admin has set (admins only).',
      access: access.permission('tenant', 'update'),
      success: { status: 200, description: 'The menus', schema: departmentMenuListSchema },
      handler: ({ req }) => menus.list(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/menus/{department}', operationId: 'setMenu', summary: "Set a department's menu (or the default)", tags,
      description: "Replaces the pages a department sees (`department`: its org id) or the agency's default (`default`). Admins only; a department of another agency answers 404.",
      access: access.permission('tenant', 'update'), params: departmentParams, body: setDepartmentMenuBody, errors: [404],
      success: { status: 200, description: 'The menu', schema: departmentMenuSchema },
      handler: ({ params, body, req }) => menus.set(req.principal!, params.department, body),
    }),
  ];
}
