import type { Types } from 'mongoose';
import type { Principal } from '../../platform/access/principal.js';
import type { Action } from '../../platform/access/catalog.js';
import { AppError } from '../../platform/errors.js';
import type { SubjectType } from './task.model.js';

/** A record service that can find a record the principal may see (every record service can). */
export interface SubjectFinder {
  findVisible(principal: Principal, id: string, action: Action): Promise<{ _id: Types.ObjectId; productId?: Types.ObjectId | null; ownerId?: Types.ObjectId | null }>;
}

/** The record types tasks, activities and timelines can be about, by type (a module not built yet is absent). */
export type SubjectRegistry = Partial<Record<SubjectType, SubjectFinder>>;

/** Finds the subject if the principal may see it (404 otherwise, 400 for a type this API does not have). */
export async function resolveSubject(subjects: SubjectRegistry, principal: Principal, subject: { type: SubjectType; id: string }) {
  const finder = subjects[subject.type];
  if (!finder) throw AppError.invalidField('subject.type', `'${subject.type}' records are not available in this installation`);
  try {
    return await finder.findVisible(principal, subject.id, 'read');
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') throw AppError.invalidField('subject.id', `is not a ${subject.type} you can see`);
    throw error;
  }
}
