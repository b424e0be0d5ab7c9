import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { Action } from '../../platform/access/catalog.js';
import { AppError } from '../../platform/errors.js';
import type { SubjectType } from './task.model.js';

/** A record service that can find a record the principal may see (every record service can). */
export interface SubjectFinder {
  findVisible(principal: Principal, id: string, action: Action): Promise<{ _id: Types.ObjectId; productId?: Types.ObjectId | null; ownerId?: Types.ObjectId | null }>;
}

/** The record types tasks, activities and timelines can be about, by type: every subject type has its finder (sales.wiring.ts). */
export type SubjectRegistry = Record<SubjectType, SubjectFinder>;

/** Finds the subject if the principal may see it (404 otherwise, 400 for a type this API does not have). */
export async function resolveSubject(subjects: SubjectRegistry, principal: Principal, subject: { type: SubjectType; id: string }) {
  // The schema admits only subject types; a type from elsewhere (an old stored task) is still refused by name.
  const finder = subjects[subject.type] as SubjectFinder | undefined;
  if (!finder) throw AppError.invalidField('subject.type', `'${subject.type}' is not a record type tasks can be about`);
  try {
    return await finder.findVisible(principal, subject.id, 'read');
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('subject.id', `is not a ${subject.type} you can see`);
    throw error;
  }
}
