import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { SlotInvitation } from '../tasks/tasks.service.js';
import { contactModel } from '../contacts/contact.model.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Sends an issued meeting invitation (000: "send out his available time slots"): the contact the meeting
 * is about gets the offered times and the link of the page where they book one. The tasks service hands
 * the link over directly; the `task.slots_offered` event (audit, webhooks) never carries it.
 */
export function subscribeSlotOffers(deps: { connection: Connection; onInvitation: (handler: (invitation: SlotInvitation) => Promise<void>) => void; mailer: Mailer; logger: Logger; publicBase: string }) {
  const Contact = contactModel(deps.connection);
  deps.onInvitation(async (invitation) => {
    const data: SlotInvitation & { timeZone?: string } = invitation;
    const event = { tenantId: invitation.tenantId, resourceId: invitation.taskId };
    if (!data.subject || data.subject.type !== 'contact') return;
    const contact = await Contact.findOne({ tenantId: event.tenantId, _id: data.subject.id }).select('emails firstName').lean<{ emails: { value: string; primary?: boolean }[]; firstName?: string }>();
    const to = contact?.emails.find((e) => e.primary)?.value ?? contact?.emails[0]?.value;
    if (!to) {
      deps.logger.info({ taskId: event.resourceId }, 'meeting slots offered to a contact without an email address: nothing sent');
      return;
    }
    const zone = data.timeZone ?? 'UTC';
    const format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: zone });
    const times = data.slots.map((s) => `${format.format(new Date(s.start))} (${zone})`);
    const url = `${deps.publicBase}${data.path}`;
    const title = data.title ?? 'a meeting';
    try {
      await deps.mailer.send({
        to,
        subject: `Pick a time: ${title}`,
        text: `Hello${contact?.firstName ? ` ${contact.firstName}` : ''},\n\nplease pick one of these times for ${title}:\n${times.map((t) => `- ${t}`).join('\n')}\n\nBook it here: ${url}\n`,
        html: `<p>Hello${contact?.firstName ? ` ${escapeHtml(contact.firstName)}` : ''},</p><p>please pick one of these times for <strong>${escapeHtml(title)}</strong>:</p><ul>${times.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul><p><a href="${escapeHtml(url)}">Book a time</a></p>`,
      });
    } catch (err) {
      deps.logger.warn({ err, taskId: event.resourceId }, 'the meeting slots email could not be sent');
    }
  });
}
