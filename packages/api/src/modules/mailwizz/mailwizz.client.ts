import { createHmac } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import { httpBuildQuery, sortedByKey, type FormFields } from './php-query.js';

/** Where and as whom the client calls a Mailwizz 1.x API (`https://host/api`, the customer's key pair). */
export interface MailwizzConnection {
  apiUrl: string;
  publicKey: string;
  privateKey: string;
}

/** A Mailwizz answer other than `status: "success"`: its HTTP status and its `error` (a message or field errors). */
export class MailwizzError extends Error {
  override name = 'MailwizzError';
  constructor(
    readonly httpStatus: number,
    readonly error: unknown,
  ) {
    super(typeof error === 'string' ? error : error && typeof error === 'object' ? Object.values(error as Record<string, unknown>).flatMap((v) => (v && typeof v === 'object' ? Object.values(v) : [v])).join('; ') : `HTTP ${httpStatus}`);
  }
}

/** One page of a Mailwizz listing: the documented `data` envelope. */
export interface MailwizzPage<T> {
  count: number;
  total_pages: number;
  current_page: number;
  next_page: number | null;
  prev_page: number | null;
  records: T[];
}

/** A subscriber as the list endpoints answer it. */
export interface MailwizzSubscriber {
  subscriber_uid: string;
  EMAIL: string;
  FNAME?: string;
  LNAME?: string;
  status: string;
  date_added?: string;
}

/** The statistics `GET /campaigns/{uid}/stats` answers. */
export interface MailwizzCampaignStats {
  campaign_status: string;
  subscribers_count: number;
  processed_count: number;
  delivery_success_count: number;
  delivery_error_count: number;
  opens_count: number;
  unique_opens_count: number;
  clicks_count: number;
  unique_clicks_count: number;
  unsubscribes_count: number;
  complaints_count: number;
  bounces_count: number;
  hard_bounces_count: number;
  soft_bounces_count: number;
  internal_bounces_count?: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * A client of the Mailwizz 1.9 REST API as its documentation and PHP SDK describe it: every request
 * carries `X-MW-PUBLIC-KEY`, `X-MW-TIMESTAMP` and `X-MW-SIGNATURE`, an HMAC-SHA1 under the private key of
 * `METHOD url?` plus the sorted headers and form fields; bodies are form-encoded; answers are
 * `{status: "success", ...}` or `{status: "error", error}`.
 */
export function createMailwizzClient(connection: MailwizzConnection, options: { timeoutMs?: number; now?: () => number } = {}) {
  const base = connection.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call<T>(method: Method, path: string, fields: { query?: Record<string, string | number>; form?: FormFields } = {}): Promise<T> {
    let url = `${base}/${path.replace(/^\/+/, '')}`;
    const query = fields.query ? httpBuildQuery(sortedByKey(fields.query)) : '';
    if (query) url += `?${query}`;
    const timestamp = String(Math.floor((options.now?.() ?? Date.now()) / 1000));
    const special = { 'X-MW-PUBLIC-KEY': connection.publicKey, 'X-MW-TIMESTAMP': timestamp, 'X-MW-REMOTE-ADDR': '' };
    const form = fields.form ?? {};
    const signed = `${method} ${url}${query ? '&' : '?'}${httpBuildQuery(sortedByKey({ ...special, ...form }))}`;
    const signature = createHmac('sha1', connection.privateKey).update(signed).digest('hex');
    const headers: Record<string, string> = { ...special, 'X-MW-SIGNATURE': signature, Accept: 'application/json' };
    if (method === 'PUT' || method === 'DELETE') headers['X-HTTP-Method-Override'] = method;
    let body: string | undefined;
    if (method !== 'GET') {
      body = httpBuildQuery(form);
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    } catch (cause) {
      throw new MailwizzError(0, `Mailwizz at ${base} did not answer (${(cause as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause as Error).message})`);
    }
    const text = await response.text();
    let json: { status?: string; error?: unknown } & Record<string, unknown>;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new MailwizzError(response.status, `Mailwizz answered HTTP ${response.status} without JSON; is ${base} the API URL (it usually ends in /api)?`);
    }
    if (!response.ok || json.status !== 'success') throw new MailwizzError(response.status, json.error ?? `HTTP ${response.status}`);
    return json as T;
  }

  return {
    /** `GET /lists`: one page of the customer's lists (used to test the connection). */
    lists: (page = 1, perPage = 10) => call<{ data: MailwizzPage<{ general: { list_uid: string; name: string } }> }>('GET', 'lists', { query: { page, per_page: perPage } }).then((r) => r.data),
    getList: (listUid: string) => call<{ data: { record: { general: { list_uid: string; name: string } } } }>('GET', `lists/${encodeURIComponent(listUid)}`).then((r) => r.data.record),
    /** `POST /lists`: creates a list; answers its `list_uid`. */
    createList: (list: FormFields) => call<{ list_uid: string }>('POST', 'lists', { form: list }).then((r) => r.list_uid),
    /** `GET /lists/{list_uid}/subscribers`: one page of subscribers. */
    subscribers: (listUid: string, page = 1, perPage = 50) => call<{ data: MailwizzPage<MailwizzSubscriber> }>('GET', `lists/${encodeURIComponent(listUid)}/subscribers`, { query: { page, per_page: perPage } }).then((r) => r.data),
    /** `GET /lists/{list_uid}/subscribers/search-by-email`: the subscriber's uid and status, or null when the list has no such address (404). */
    async searchByEmail(listUid: string, email: string): Promise<{ subscriber_uid: string; status: string } | null> {
      try {
        return (await call<{ data: { subscriber_uid: string; status: string } }>('GET', `lists/${encodeURIComponent(listUid)}/subscribers/search-by-email`, { query: { EMAIL: email } })).data;
      } catch (error) {
        if (error instanceof MailwizzError && error.httpStatus === 404) return null;
        throw error;
      }
    },
    createSubscriber: (listUid: string, fields: FormFields) => call<{ data: { record: { subscriber_uid: string } } }>('POST', `lists/${encodeURIComponent(listUid)}/subscribers`, { form: fields }).then((r) => r.data.record.subscriber_uid),
    updateSubscriber: (listUid: string, subscriberUid: string, fields: FormFields) => call<unknown>('PUT', `lists/${encodeURIComponent(listUid)}/subscribers/${encodeURIComponent(subscriberUid)}`, { form: fields }),
    unsubscribe: (listUid: string, subscriberUid: string) => call<unknown>('PUT', `lists/${encodeURIComponent(listUid)}/subscribers/${encodeURIComponent(subscriberUid)}/unsubscribe`),
    deleteSubscriber: (listUid: string, subscriberUid: string) => call<unknown>('DELETE', `lists/${encodeURIComponent(listUid)}/subscribers/${encodeURIComponent(subscriberUid)}`),
    /** `POST /campaigns` with the `campaign[...]` block; the template content goes base64-encoded, as documented. */
    createCampaign: (campaign: FormFields) => call<{ campaign_uid: string }>('POST', 'campaigns', { form: { campaign } }).then((r) => r.campaign_uid),
    getCampaign: (campaignUid: string) => call<{ data: { record: { campaign_uid: string; name: string; status: string } } }>('GET', `campaigns/${encodeURIComponent(campaignUid)}`).then((r) => r.data.record),
    campaignStats: (campaignUid: string) => call<{ data: MailwizzCampaignStats }>('GET', `campaigns/${encodeURIComponent(campaignUid)}/stats`).then((r) => r.data),
  };
}

export type MailwizzClient = ReturnType<typeof createMailwizzClient>;

/** A Mailwizz failure as the problem the CRM's caller reads: what Mailwizz said and what to check. */
export function mailwizzProblem(error: unknown): AppError {
  if (!(error instanceof MailwizzError)) return error instanceof AppError ? error : new AppError('internal');
  if (error.httpStatus === 0) return new AppError('unavailable', `${error.message}; check the API URL in the Mailwizz settings`);
  if (error.httpStatus === 400 || error.httpStatus === 401 || error.httpStatus === 403) {
    return new AppError('conflict', `Mailwizz refused the request: ${error.message} Check the public and private API keys in the Mailwizz settings.`, { extensions: { mailwizz: { status: error.httpStatus, error: error.error } } });
  }
  return new AppError('conflict', `Mailwizz answered HTTP ${error.httpStatus}: ${error.message}`, { extensions: { mailwizz: { status: error.httpStatus, error: error.error } } });
}
