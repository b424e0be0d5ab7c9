import type { OperationRequestBody, Schema } from '../core/api-types.js';
import { path } from '../core/path.js';
import type { RequestOptions } from '../core/request-options.js';
import { APIResource } from '../core/resource.js';

/** The agency's satisfaction survey: whether it runs monthly, with which template, on which day and hour, and after won deals. */
export type SatisfactionSettings = Schema<'SatisfactionSettings'>;
/** The body of `crm.satisfaction.updateSettings`: `enabled`, and the template (category `satisfaction`), day, hour and `afterWonDays`. */
export type SatisfactionSettingsUpdateParams = Schema<'UpdateSatisfactionSettings'>;
/** A rating: `positive`, `neutral` or `negative`. */
export type FeedbackRating = Schema<'Feedback'>['rating'];
/** The body of `crm.satisfaction.answer`: what the customer chose on the survey, and an optional comment. */
export type SurveyAnswerParams = OperationRequestBody<'answerFeedback'>;
/** The answer of `crm.satisfaction.answer`. */
export interface SurveyAnswerResult {
  /** Always true: the answer was stored (a second answer replaces the first). */
  recorded: true;
  /** The rating now on record. */
  rating: FeedbackRating;
}

/**
 * The satisfaction survey (`crm.satisfaction`): its settings, for admins, and answering a survey by the
 * token of its emailed link, without signing in (for a host that serves its own survey page). The
 * feedback itself lives on the account: `crm.customers.listFeedback` and `createFeedback`.
 *
 * @example await crm.satisfaction.updateSettings({ enabled: true, templateId: survey.id, dayOfMonth: 1, hour: 10 });
 */
export class Satisfaction extends APIResource {
  /** Whether the survey runs, with which template, on which day and hour. */
  getSettings(options?: RequestOptions): Promise<SatisfactionSettings> {
    return this._transport.get<SatisfactionSettings>('/v1/satisfaction-settings', undefined, options);
  }

  /** Turns the survey on or off and chooses its template (category `satisfaction`) and time. */
  async updateSettings(params: SatisfactionSettingsUpdateParams, options?: RequestOptions): Promise<SatisfactionSettings> {
    const request = { method: 'PUT' as const, path: '/v1/satisfaction-settings', body: params };
    return (await this._transport.request<SatisfactionSettings>(request, options)).data;
  }

  /**
   * Answers a survey by the token of its link (`/v1/feedback/<token>`); no sign-in, the token is the
   * credential. Answering again changes the answer. A forged or stale token rejects with `CrmNotFoundError`.
   */
  async answer(token: string, params: SurveyAnswerParams, options?: RequestOptions): Promise<SurveyAnswerResult> {
    const request = { method: 'POST' as const, path: path`/v1/feedback/${token}`, body: params, authenticate: false };
    return (await this._transport.request<SurveyAnswerResult>(request, options)).data;
  }
}
