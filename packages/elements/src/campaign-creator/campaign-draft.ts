// Helpers of the campaign creator that need no DOM: which step owns a field the API complained about,
// and a local rendering of a template while the API's preview route is not there.
import type { MessagePreview } from '../shared/api/campaign-creator.js';
import type { Contact, Template } from '../shared/api/types.js';

/** The step a field the API names in `errors[]` (of a campaign, its message or its audience) is edited in. */
export function stepOfField(field: string): 'details' | 'audience' | 'message' | 'schedule' | 'review' {
  const root = field.split('.')[0] ?? '';
  if (['title', 'code', 'description', 'type', 'visibility', 'startAt', 'endAt'].includes(root)) return 'details';
  if (['audience', 'targets', 'segmentId', 'contactIds', 'customerIds'].includes(root)) return 'audience';
  if (['message', 'templateId', 'subject', 'body'].includes(root)) return 'message';
  if (['sendAt', 'fromUser'].includes(root)) return 'schedule';
  return 'review';
}

/**
 * The template's text part with `{{recipient.firstName}}`-style placeholders filled from the recipient
 * (the API's names), for when the API cannot preview; the result is shown as text, never as HTML.
 */
export function renderLocally(template: Template, recipient: Contact): MessagePreview {
  const values: Record<string, string> = {
    firstName: recipient.firstName,
    lastName: recipient.lastName,
    fullName: recipient.fullName ?? `${recipient.firstName} ${recipient.lastName}`,
    email: recipient.emails?.[0]?.value ?? '',
    companyName: recipient.company?.name ?? '',
  };
  const fill = (text: string) => text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => values[key.replace(/^recipient\./, '')] ?? '');
  return { subject: fill(template.subject ?? ''), body: fill(template.text ?? '') };
}
