import type { Types } from 'mongoose';
import type { Action, Resource, VisibilityScope } from './catalog.js';

/** The role as the access module needs it, flattened for fast checks. */
export interface EffectiveRole {
  id: string;
  key: string;
  name: string;
  isAdmin: boolean;
  permissions: Map<Resource, Set<Action>>;
  visibility: Map<Resource, VisibilityScope>;
  exports: Map<Resource, { scope: VisibilityScope; columns: string[]; activeProductsOnly: boolean }>;
}

/**
 * Who is calling, with everything visibility depends on resolved once per request: the role, the users
 * below them in the role tree, their teams and products, and the state of the agency's products.
 */
export interface Principal {
  kind: 'user' | 'apiKey';
  tenantId: Types.ObjectId;
  /** The user, or for a secret key the user who created it (records it creates are owned by them). */
  userId: Types.ObjectId;
  apiKeyId: Types.ObjectId | null;
  sessionId: string | null;
  role: EffectiveRole;
  departmentId: Types.ObjectId | null;
  /** The user and everyone whose role sits below theirs in the same tenant. */
  subordinateUserIds: Types.ObjectId[];
  teamIds: Types.ObjectId[];
  teamMemberIds: Types.ObjectId[];
  /** Products assigned to the user directly or through a team. */
  productIds: Types.ObjectId[];
  products: {
    disabledIds: Types.ObjectId[];
    lockedIds: Types.ObjectId[];
    activeIds: Types.ObjectId[];
    /** Active products that belong to another department than the user's. */
    activeOtherDepartmentIds: Types.ObjectId[];
  };
}
