import type { Connection, Types } from 'mongoose';
import { assertCan } from '../../platform/access/access.js';
import type { CustomerPrincipal } from '../../platform/access/customer.js';
import type { Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors.js';
import { acceptancesOf, currentTerms, recordAcceptance, termsAcceptanceModel, termsDocuments, termsVersionModel, toAcceptanceDto, type CurrentTerms, type TermsDocument } from '../../platform/privacy/terms.js';
import { findFootprint, maskSubject, type PrivacySubject } from './privacy.footprint.js';

function toTermsDto(current: CurrentTerms) {
  const one = (v: CurrentTerms[TermsDocument]) => (v ? { version: v.version, url: v.url, publishedAt: new Date(v.publishedAt).toISOString() } : null);
  return { terms: one(current.terms), privacy: one(current.privacy) };
}

/**
 * Terms of use and privacy notice acceptance (issue 22): the versions an agency asks for (its settings),
 * acceptance by portal customers on first use after sign-in (and by public sign-ups with consent, in
 * the campaigns module), and an admin's read of one person's acceptances.
 */
export function createTermsService(deps: { connection: Connection }) {
  const { connection } = deps;
  // Registered at build time, so the startup index pass creates the acceptances' unique index.
  const Versions = termsVersionModel(connection);
  const Acceptances = termsAcceptanceModel(connection);

  async function portalState(customer: CustomerPrincipal) {
    const [current, accepted] = await Promise.all([currentTerms(connection, customer.tenantId), Acceptances.find({ tenantId: customer.tenantId, subjectType: 'customerUser', subjectId: customer.customerUserId }).lean()]);
    const pending = termsDocuments.filter((d) => current[d] && !accepted.some((a) => a.document === d && a.version === current[d]!.version));
    accepted.sort((a, b) => a.acceptedAt.getTime() - b.acceptedAt.getTime());
    return { current: toTermsDto(current), accepted: accepted.map(toAcceptanceDto), pending };
  }

  return {
    async getVersions(principal: Principal) {
      assertCan(principal, 'privacyRequest', 'read');
      return toTermsDto(await currentTerms(connection, principal.tenantId));
    },

    /** Sets (or, with null, withdraws) the version of each document named; documents left out keep theirs. */
    async putVersions(principal: Principal, input: Partial<Record<TermsDocument, { version: string; url?: string | null } | null>>) {
      assertCan(principal, 'privacyRequest', 'update');
      const now = new Date();
      for (const document of termsDocuments) {
        const next = input[document];
        if (next === undefined) continue;
        const _id = `${String(principal.tenantId)}:${document}`;
        if (next === null) {
          await Versions.deleteOne({ tenantId: principal.tenantId, _id });
          continue;
        }
        const existing = await Versions.findOne({ tenantId: principal.tenantId, _id }).lean();
        // A new version is published now; the same version with another URL keeps its date.
        const publishedAt = existing && existing.version === next.version ? existing.publishedAt : now;
        await Versions.updateOne({ tenantId: principal.tenantId, _id }, { $set: { document, version: next.version, url: next.url ?? null, publishedAt, updatedBy: principal.userId }, $setOnInsert: { tenantId: principal.tenantId } }, { upsert: true });
      }
      return toTermsDto(await currentTerms(connection, principal.tenantId));
    },

    /** Every acceptance of one person (found as an export finds them), oldest first. */
    async personAcceptances(principal: Principal, subject: PrivacySubject) {
      assertCan(principal, 'privacyRequest', 'read');
      if (!subject.email && !subject.phone && !subject.contactId && !subject.leadId) throw AppError.invalidField('email', 'or phone, contactId or leadId is required to find the person');
      const person = await findFootprint(connection, principal.tenantId, subject);
      const rows = await acceptancesOf(connection, principal.tenantId, person);
      return { subject: maskSubject(subject), data: rows.map(toAcceptanceDto) };
    },

    /** What the signed-in customer is asked to accept, and what they accepted. */
    portalState,

    /** The signed-in customer accepts the current version of a document (again: the same acceptance). */
    async accept(customer: CustomerPrincipal, input: { document: TermsDocument; version: string }, ip: string | null) {
      const current = (await currentTerms(connection, customer.tenantId))[input.document];
      if (!current) throw AppError.invalidField('document', `is not asked for: the agency has set no ${input.document} version`, 'not_required');
      if (current.version !== input.version) throw AppError.invalidField('version', `is not the current version of the ${input.document} (${current.version}); reload and accept that one`, 'outdated');
      await recordAcceptance(connection, { tenantId: customer.tenantId, document: input.document, version: input.version, subjectType: 'customerUser', subjectId: customer.customerUserId as Types.ObjectId, contactId: customer.contactId, source: 'portal', ip });
      return portalState(customer);
    },
  };
}
export type TermsService = ReturnType<typeof createTermsService>;
