import type { Schema } from '../core/api-types.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';
import { path } from '../core/path.js';

/** Who a privacy request is about: `email`, `phone`, `contactId` and/or `leadId`. */
export type PrivacySubject = Schema<'PrivacySubject'>;
/** What is held about a person: the masked subject and counts per kind. */
export type PrivacyPreview = Schema<'PrivacyPreview'>;
/** A GDPR / CCPA request (export or erasure) with its counts and steps; the subject is masked. */
export type PrivacyRequest = Schema<'PrivacyRequest'>;
/** An erasure running in the background (`status`, `counts` once completed, `statusUrl` to poll). */
export type PrivacyErasureJob = Schema<'PrivacyErasureJob'>;
/** An export: the recorded request and every record held about the person, per kind. */
export type PrivacyExport = Schema<'PrivacyExport'>;
/** The agency's retention rules. */
export type PrivacyRetention = Schema<'PrivacyRetention'>;
/** The body of `crm.privacy.setRetention`. */
export type PrivacyRetentionParams = Schema<'PrivacyRetentionRules'>;
/** How many records each retention rule would erase now. */
export type PrivacyRetentionDryRun = Schema<'PrivacyRetentionDryRun'>;

/** The terms and privacy versions people are asked to accept (null: not asked for). */
export type TermsVersions = Schema<'TermsVersions'>;
/** The body of `crm.privacy.setTerms`: a version per document, null to stop asking, left out to keep. */
export type TermsVersionsParams = Schema<'TermsVersionsInput'>;
/** One acceptance of one version of the terms or privacy notice, with the time and where. */
export type TermsAcceptance = Schema<'TermsAcceptance'>;
/** A person's acceptances (the subject masked). */
export type PersonTermsAcceptances = Schema<'PersonTermsAcceptances'>;

/** The typed confirmation an erasure needs. */
export const PRIVACY_ERASE_CONFIRMATION = 'ERASE';

/**
 * GDPR / CCPA requests (`crm.privacy`), for admins: look a person up, export what is held, erase them
 * (leaving only a suppression hash), the request history, and retention rules.
 *
 * @example
 * const held = await crm.privacy.lookup({ email: 'ada@example.org' });
 * const file = await crm.privacy.export({ email: 'ada@example.org' });
 * await crm.privacy.erase({ email: 'ada@example.org' }, 'ERASE');
 */
export class Privacy extends APIResource {
  /** Counts per kind of what is held about the person; changes nothing. */
  lookup(subject: PrivacySubject, options?: RequestOptions): Promise<PrivacyPreview> {
    return this._transport.post<PrivacyPreview>('/v1/privacy/lookup', subject, options);
  }

  /** Everything held about the person (recorded as an export request). */
  export(subject: PrivacySubject, options?: RequestOptions): Promise<PrivacyExport> {
    return this._transport.post<PrivacyExport>('/v1/privacy/exports', subject, options);
  }

  /** Everything held about the person as a ZIP: one CSV file per kind, export.json and a README.txt. */
  async exportZip(subject: PrivacySubject, options?: RequestOptions): Promise<Blob> {
    return (await this._transport.request<Blob>({ method: 'POST', path: '/v1/privacy/exports', query: { format: 'zip' }, body: subject, responseType: 'blob' }, options)).data;
  }

  /** The terms and privacy versions the agency asks people to accept. */
  terms(options?: RequestOptions): Promise<TermsVersions> {
    return this._transport.get<TermsVersions>('/v1/privacy/terms', undefined, options);
  }

  /** Sets the current versions; portal customers are asked for a new one on their next visit. */
  async setTerms(params: TermsVersionsParams, options?: RequestOptions): Promise<TermsVersions> {
    return (await this._transport.request<TermsVersions>({ method: 'PUT', path: '/v1/privacy/terms', body: params }, options)).data;
  }

  /** Every version of the terms and privacy notice the person accepted, when and where, oldest first. */
  acceptances(subject: PrivacySubject, options?: RequestOptions): Promise<PersonTermsAcceptances> {
    return this._transport.post<PersonTermsAcceptances>('/v1/privacy/acceptances/lookup', subject, options);
  }

  /**
   * Erases the person, irreversibly; `confirmation` must be `'ERASE'`. Sent with an idempotency key, so
   * a retry after a lost answer is refused (409) rather than run twice.
   */
  erase(subject: PrivacySubject, confirmation: string, options?: RequestOptions): Promise<PrivacyRequest> {
    return this._transport.post<PrivacyRequest>('/v1/privacy/erasures', { ...subject, confirmation }, options, true);
  }

  /** Queues the erasure as a job (202); poll it with `erasureJob(id)` until `status` is `completed`. */
  queueErasure(subject: PrivacySubject, confirmation: string, options?: RequestOptions): Promise<PrivacyErasureJob> {
    return this._transport.post<PrivacyErasureJob>('/v1/privacy/erasure-jobs', { ...subject, confirmation }, options, true);
  }

  /** The status of a queued erasure. */
  erasureJob(id: string, options?: RequestOptions): Promise<PrivacyErasureJob> {
    return this._transport.get<PrivacyErasureJob>(path`/v1/privacy/erasure-jobs/${id}`, undefined, options);
  }

  /** The agency's requests, newest first (the last 200). */
  async requests(options?: RequestOptions): Promise<PrivacyRequest[]> {
    return (await this._transport.get<{ data: PrivacyRequest[] }>('/v1/privacy/requests', undefined, options)).data;
  }

  /** The agency's retention rules. */
  retention(options?: RequestOptions): Promise<PrivacyRetention> {
    return this._transport.get<PrivacyRetention>('/v1/privacy/retention', undefined, options);
  }

  /** Replaces the retention rules (one per kind). */
  async setRetention(params: PrivacyRetentionParams, options?: RequestOptions): Promise<PrivacyRetention> {
    return (await this._transport.request<PrivacyRetention>({ method: 'PUT', path: '/v1/privacy/retention', body: params }, options)).data;
  }

  /** How many records each enabled rule would erase now; changes nothing. */
  retentionDryRun(options?: RequestOptions): Promise<PrivacyRetentionDryRun> {
    return this._transport.post<PrivacyRetentionDryRun>('/v1/privacy/retention/dry-run', undefined, options);
  }
}
