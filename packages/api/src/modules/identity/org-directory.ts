import type { Connection } from 'mongoose';
import type { OrgDirectory } from '../../platform/records/record-service.js';
import { productModel } from '../products/product.model.js';
import { orgModel } from './org.model.js';
import { userModel } from './user.model.js';

/** Lookups the record service uses to check owner, product and team references of a write. */
export function createOrgDirectory(connection: Connection): OrgDirectory {
  return {
    product: (tenantId, id) => productModel(connection).findOne({ tenantId, _id: id }).select('status locked departmentId').lean(),
    team: (tenantId, id) => orgModel(connection).findOne({ tenantId, _id: id, kind: 'team' }).select('departmentId').lean(),
    user: (tenantId, id) => userModel(connection).findOne({ tenantId, _id: id }).select('departmentId').lean(),
  };
}
