import Handlebars from 'handlebars';

// Handlebars escapes every {{value}} in the HTML part, so a name like `<script>` arrives as text.
const html = Handlebars.create();
const text = Handlebars.create();

const sources = {
  invitation: {
    subject: 'You are invited to {{agencyName}} on the CRM',
    text: 'Hello {{name}},\n\n{{inviterName}} invited you to join {{agencyName}}.\nSet your password here (the link works once, for 7 days):\n{{link}}\n',
    html: '<p>Hello {{name}},</p><p>{{inviterName}} invited you to join <strong>{{agencyName}}</strong>.</p><p><a href="{{link}}">Accept the invitation</a> (the link works once, for 7 days).</p>',
  },
  passwordReset: {
    subject: 'Reset your CRM password',
    text: 'Hello {{name}},\n\nSomeone asked to reset the password of your account at {{agencyName}}. If it was you, choose a new one here (the link works once, for 1 hour):\n{{link}}\n\nIf it was not you, ignore this email; your password stays as it is.\n',
    html: '<p>Hello {{name}},</p><p>Someone asked to reset the password of your account at <strong>{{agencyName}}</strong>. If it was you, <a href="{{link}}">choose a new password</a> (the link works once, for 1 hour).</p><p>If it was not you, ignore this email; your password stays as it is.</p>',
  },
  registrationConfirm: {
    subject: 'Confirm your CRM sign-up for {{agencyName}}',
    text: 'Hello {{name}},\n\nTo finish creating {{agencyName}} on the CRM, open this link (it works once, for 24 hours):\n{{link}}\n\nIf you did not sign up, ignore this email; nothing is created without the link.\n',
    html: '<p>Hello {{name}},</p><p>To finish creating <strong>{{agencyName}}</strong> on the CRM, <a href="{{link}}">confirm your sign-up</a> (the link works once, for 24 hours).</p><p>If you did not sign up, ignore this email; nothing is created without the link.</p>',
  },
  registrationExists: {
    subject: 'You already have a CRM account',
    text: 'Hello {{name}},\n\nSomeone (perhaps you) tried to sign up for the CRM with this email, which already has an account at {{agencyName}}. No second account was made.\nSign in here, or choose "Forgot your password?" there to reset it:\n{{link}}\n\nIf it was not you, ignore this email; nothing has changed.\n',
    html: '<p>Hello {{name}},</p><p>Someone (perhaps you) tried to sign up for the CRM with this email, which already has an account at <strong>{{agencyName}}</strong>. No second account was made.</p><p><a href="{{link}}">Sign in</a>, or choose "Forgot your password?" there to reset it.</p><p>If it was not you, ignore this email; nothing has changed.</p>',
  },
  failedSignIns: {
    subject: 'Failed sign-ins to your CRM account',
    text: 'Hello {{name}},\n\n{{failures}} sign-ins to your account at {{agencyName}} failed in the last hour, the last from the address {{address}}. Further attempts from there are slowed down; you can still sign in as usual.\nIf it was not you, consider changing your password:\n{{link}}\n',
    html: '<p>Hello {{name}},</p><p>{{failures}} sign-ins to your account at <strong>{{agencyName}}</strong> failed in the last hour, the last from the address {{address}}. Further attempts from there are slowed down; you can still sign in as usual.</p><p>If it was not you, consider <a href="{{link}}">changing your password</a>.</p>',
  },
  customerSignIn: {
    subject: 'Your sign-in link for {{agencyName}}',
    text: 'Hello {{name}},\n\nSign in to the {{agencyName}} customer portal here (the link works once, for 15 minutes):\n{{link}}\n\nIf you did not ask for it, ignore this email.\n',
    html: '<p>Hello {{name}},</p><p><a href="{{link}}">Sign in to the {{agencyName}} customer portal</a> (the link works once, for 15 minutes).</p><p>If you did not ask for it, ignore this email.</p>',
  },
  customerInvitation: {
    subject: '{{agencyName}} invites you to its customer portal',
    text: 'Hello {{name}},\n\n{{inviterName}} of {{agencyName}} invited you to its customer portal, where you can follow your support requests and read its help articles.\nSign in here (the link works once, for 15 minutes; you can ask for a new one on the portal at any time):\n{{link}}\n',
    html: '<p>Hello {{name}},</p><p>{{inviterName}} of <strong>{{agencyName}}</strong> invited you to its customer portal, where you can follow your support requests and read its help articles.</p><p><a href="{{link}}">Sign in</a> (the link works once, for 15 minutes; you can ask for a new one on the portal at any time).</p>',
  },
} as const;

/** The values each template needs. */
export interface TemplateData {
  invitation: { name: string; inviterName: string; agencyName: string; link: string };
  passwordReset: { name: string; agencyName: string; link: string };
  registrationConfirm: { name: string; agencyName: string; link: string };
  registrationExists: { name: string; agencyName: string; link: string };
  failedSignIns: { name: string; agencyName: string; failures: number; address: string; link: string };
  customerSignIn: { name: string; agencyName: string; link: string };
  customerInvitation: { name: string; inviterName: string; agencyName: string; link: string };
}
export type TemplateName = keyof TemplateData;

const compiled = Object.fromEntries(
  Object.entries(sources).map(([name, s]) => [
    name,
    { subject: text.compile(s.subject, { noEscape: true }), text: text.compile(s.text, { noEscape: true }), html: html.compile(s.html, { strict: true }) },
  ]),
) as Record<TemplateName, { subject: (d: unknown) => string; text: (d: unknown) => string; html: (d: unknown) => string }>;

/** Renders a template's subject, text and (escaped) HTML. */
export function renderTemplate<T extends TemplateName>(name: T, data: TemplateData[T]): { subject: string; text: string; html: string } {
  const t = compiled[name];
  // Subjects are single-line headers: strip line breaks a name might smuggle in.
  return { subject: t.subject(data).replace(/[\r\n]+/g, ' '), text: t.text(data), html: t.html(data) };
}
