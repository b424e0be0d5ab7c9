import express, { type RequestHandler } from 'express';
import Handlebars from 'handlebars';
import { idParams, listOf, objectId, pageQuery } from '../../platform/http/common.schema.js';
import { access, defineRoute, type RouteSpec } from '../../platform/http/route.js';
import { z } from '../../platform/http/zod.js';
import { AppError } from '../../platform/errors.js';
import { feedbackLevels, feedbackRatings } from './feedback.model.js';
import type { SatisfactionService } from './satisfaction.service.js';

const feedbackSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    respondentType: z.enum(['customer', 'contact']),
    respondentId: z.string(),
    rating: z.enum(feedbackRatings),
    comment: z.string(),
    source: z.enum(['survey', 'manual']),
    level: z.enum(feedbackLevels),
    reference: z.string().nullable(),
    sendId: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Feedback');
const createFeedbackBody = z
  .object({
    rating: z.enum(feedbackRatings),
    comment: z.string().max(4000).optional(),
    level: z.enum(feedbackLevels).optional().openapi({ description: 'What the feedback is about: the account (default), a job or a PO (then `reference` names it)' }),
    reference: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .openapi('CreateFeedback');
const settingsSchema = z
  .object({ enabled: z.boolean(), templateId: z.string().nullable(), dayOfMonth: z.number().int(), hour: z.number().int(), afterWonDays: z.number().int().nullable(), afterTicketResolved: z.boolean(), updatedAt: z.string().nullable() })
  .openapi('SatisfactionSettings');
const settingsBody = z
  .object({
    enabled: z.boolean(),
    templateId: objectId.nullable().optional().openapi({ description: 'A template of category `satisfaction`; its data has `feedback.url`, `feedback.positiveUrl`, `feedback.neutralUrl`, `feedback.negativeUrl`' }),
    dayOfMonth: z.number().int().min(1).max(28).optional().openapi({ description: 'Day of the month the survey goes out (default 1)' }),
    hour: z.number().int().min(0).max(23).optional().openapi({ description: "Local hour in the agency's time zone (default 10)" }),
    afterWonDays: z.number().int().min(0).max(90).nullable().optional().openapi({ description: 'Also survey a customer this many days after one of its opportunities is won (null or absent: off); works whether or not the monthly survey is enabled' }),
    afterTicketResolved: z.boolean().optional().openapi({ description: "Also survey a ticket's contact (else its account) when the ticket is first resolved, once per ticket (absent: off); works whether or not the monthly survey is enabled" }),
  })
  .openapi('UpdateSatisfactionSettings');
const tokenParams = z.object({ token: z.string().min(10).max(400) });
const answerBody = z.object({ rating: z.enum(feedbackRatings), comment: z.string().max(4000).optional() });

const e = Handlebars.Utils.escapeExpression;
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(title)}</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto">${body}</body></html>`;
const labels = { positive: 'Good', neutral: 'Okay', negative: 'Not good' } as const;

/** The monthly satisfaction survey's settings, feedback on accounts, and the public rating page (003). */
export function satisfactionRoutes(deps: { satisfaction: SatisfactionService; answerLimit: RequestHandler }): RouteSpec[] {
  const { satisfaction } = deps;
  return [
    defineRoute({
      method: 'get', path: '/satisfaction-settings', operationId: 'getSatisfactionSettings', summary: "The agency's monthly satisfaction survey", tags: ['Feedback'],
      access: access.permission('notification', 'read'),
      success: { status: 200, description: 'Whether it runs, with which template, on which day and hour', schema: settingsSchema },
      handler: ({ req }) => satisfaction.getSettings(req.principal!),
    }),
    defineRoute({
      method: 'put', path: '/satisfaction-settings', operationId: 'updateSatisfactionSettings', summary: 'Turn the monthly satisfaction survey on or off, and choose its template and time', tags: ['Feedback'],
      description: 'Once a month, from `dayOfMonth` at `hour` (agency time zone), every customer that is not blocked and has not turned `preferences.satisfactionEmails` off gets the template by email, exactly once per month (the same delivery ledger as greetings).',
      access: access.permission('notification', 'update'), body: settingsBody,
      success: { status: 200, description: 'The settings', schema: settingsSchema },
      handler: ({ body, req }) => satisfaction.updateSettings(req.principal!, body),
    }),
    defineRoute({
      method: 'get', path: '/customers/{id}/feedback', operationId: 'listCustomerFeedback', summary: 'Feedback on an account: survey answers and what staff recorded', tags: ['Feedback'],
      access: access.permission('customer', 'read'), params: idParams, query: pageQuery,
      success: { status: 200, description: 'Newest first', schema: listOf(feedbackSchema, 'FeedbackList') },
      handler: ({ params, query, req }) => satisfaction.list(req.principal!, params.id, query),
    }),
    defineRoute({
      method: 'post', path: '/customers/{id}/feedback', operationId: 'createCustomerFeedback', summary: 'Record feedback on an account, a job or a PO', tags: ['Feedback'],
      description: 'Negative feedback notifies the account manager (else the account owner) in their inbox.',
      access: access.permission('customer', 'update'), params: idParams, body: createFeedbackBody,
      success: { status: 201, description: 'The feedback', schema: feedbackSchema },
      handler: ({ params, body, req }) => satisfaction.create(req.principal!, params.id, body),
    }),
    defineRoute({
      method: 'get', path: '/feedback/{token}', operationId: 'feedbackPage', summary: 'The rating page a survey email links to (a GET records nothing, so link scanners cannot answer)', tags: ['Feedback'],
      access: access.public, params: tokenParams, before: [deps.answerLimit],
      success: { status: 200, description: 'An HTML page', mediaType: 'text/html' },
      handler: async ({ params, req, res }) => {
        const found = await satisfaction.survey(params.token);
        if (!found) throw new AppError('not_found', 'This survey link is not valid');
        const chosen = typeof req.query.rating === 'string' && (feedbackRatings as readonly string[]).includes(req.query.rating) ? req.query.rating : found.answered;
        const options = feedbackRatings
          .map((r) => `<label style="display:block;margin:.4rem 0"><input type="radio" name="rating" value="${r}"${r === chosen ? ' checked' : ''} required> ${labels[r]}</label>`)
          .join('');
        res
          .status(200)
          .type('html')
          .set('Cache-Control', 'no-store')
          .send(page('How did we do?', `<h1>How did ${e(found.agencyName)} do this month?</h1><form method="post">${options}<p><label>Anything to add?<br><textarea name="comment" rows="4" cols="40" maxlength="4000"></textarea></label></p><button type="submit">Send</button></form>`));
      },
    }),
    defineRoute({
      method: 'post', path: '/feedback/{token}', operationId: 'answerFeedback', summary: 'Answer a satisfaction survey (no sign-in; the token is signed); answering again changes the answer', tags: ['Feedback'],
      access: access.public, params: tokenParams, body: answerBody, before: [deps.answerLimit, express.urlencoded({ extended: false, limit: '8kb' })],
      success: {
        status: 200,
        description: 'Recorded (this JSON for API clients, a page for browsers)',
        mediaType: 'text/html',
        schema: z.object({ recorded: z.literal(true), rating: z.enum(feedbackRatings) }).openapi('FeedbackAnswerResult'),
      },
      handler: async ({ params, body, req, res }) => {
        const saved = await satisfaction.answer(params.token, body);
        if (req.accepts(['json', 'html']) === 'html' && !req.is('application/json')) {
          res.status(200).type('html').set('Cache-Control', 'no-store').send(page('Thank you', '<h1>Thank you</h1><p>Your answer has been recorded.</p>'));
          return;
        }
        res.status(200).json({ recorded: true, rating: saved.rating });
      },
    }),
  ];
}
