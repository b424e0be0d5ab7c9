import Handlebars from 'handlebars';
import type { MailMessage } from '../../platform/mail/mailer.js';

// Own Handlebars instances: the HTML one escapes every {{value}} (a campaign title like `<b>` stays text).
const html = Handlebars.create();
const text = Handlebars.create();

const source = {
  subject: 'Please confirm your signup for {{title}}',
  text: 'Hello{{#if name}} {{name}}{{/if}},\n\nYou (or someone using this address) signed up for "{{title}}".\nConfirm here (the link works for 7 days):\n{{link}}\n\nIf it was not you, ignore this email and nothing happens.\n',
  html: '<p>Hello{{#if name}} {{name}}{{/if}},</p><p>You (or someone using this address) signed up for <strong>{{title}}</strong>.</p><p><a href="{{link}}">Confirm your signup</a> (the link works for 7 days).</p><p>If it was not you, ignore this email and nothing happens.</p>',
};

const compiled = {
  subject: text.compile(source.subject, { noEscape: true }),
  text: text.compile(source.text, { noEscape: true }),
  html: html.compile(source.html),
};

/** The double opt-in email of a campaign signup. */
export function renderConfirmationMail(to: string, data: { title: string; name: string; link: string }): MailMessage {
  return { to, subject: compiled.subject(data).replace(/[\r\n]+/g, ' '), text: compiled.text(data), html: compiled.html(data) };
}
