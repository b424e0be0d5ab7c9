// The pages the API's emails link to, under the portal's own path (`<APP_URL>/accept-invitation?token=`,
// `/reset-password?token=`, `/confirm-registration?token=`, `/verify-email?token=`): one small form each,
// through the SDK only.
import { t } from './host.js';

/** The email-link page this URL names, or null for the portal itself. */
export function linkPageOf(url = location) {
  const match = /\/(accept-invitation|reset-password|confirm-registration|verify-email)\/?$/.exec(url.pathname);
  return match ? match[1] : null;
}

/** Each page: its strings, its fields and what submitting does with the SDK client. */
const pages = {
  'accept-invitation': {
    prefix: 'invite',
    fields: ['name', 'password'],
    /** Sets the password (and name) and signs the new user in: the session holds their tokens. */
    async submit(client, token, values) {
      const result = await client.session.acceptInvitation({ token, password: values.password, ...(values.name ? { name: values.name } : {}) });
      return { user: result.user };
    },
  },
  'reset-password': {
    prefix: 'reset',
    fields: ['password'],
    async submit(client, token, values) {
      await client.auth.confirmPasswordReset({ token, password: values.password });
      return {};
    },
  },
  'confirm-registration': {
    prefix: 'signup',
    fields: [],
    /** Creates the agency the newcomer signed up for (password chosen then) and signs its admin in. */
    async submit(client, token) {
      const result = await client.session.confirmRegistration({ token });
      return { user: result.user };
    },
  },
  'verify-email': {
    prefix: 'verify',
    fields: [],
    /** Only an SDK (and API) with the route can confirm; otherwise the page says so and offers sign-in. */
    available: (client) => typeof client.auth?.verifyEmail === 'function',
    async submit(client, token) {
      await client.auth.verifyEmail({ token });
      return {};
    },
  },
};

/** A readable sentence for a refused submit: the first field's message, else the problem's own. */
function reason(error) {
  const field = error?.errors?.[0];
  if (field) return `${field.field}: ${field.message}.`;
  return String(error?.detail ?? error?.message ?? error);
}

/**
 * Shows `page` inside `provider` (which has `client`). `done` is called with `{ user }` when the page
 * signed someone in, or `{ message }` (a host string key) when the person should sign in next.
 */
export function showLinkPage({ page, provider, client, locale, done }) {
  const spec = pages[page];
  if (spec.available && !spec.available(client)) {
    done({ message: 'verify.unavailable' });
    return { retranslate() {} };
  }
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const view = document.getElementById('link-page').content.cloneNode(true);
  const form = view.querySelector('form');
  const heading = view.querySelector('.link-heading');
  const error = view.querySelector('.link-error');
  const button = view.querySelector('.link-submit');
  const fieldsBox = view.querySelector('.link-fields');
  heading.id = 'link-heading';
  form.setAttribute('aria-labelledby', heading.id);

  const fields = spec.fields.map((name) => {
    const field = document.createElement('crm-text-field');
    field.setAttribute('name', name);
    if (name === 'password') {
      Object.assign(field, { type: 'password', autocomplete: 'new-password', required: true, hint: t(locale(), 'link.passwordHint') });
    } else {
      Object.assign(field, { autocomplete: 'name', maxlength: 200 });
    }
    field.label = t(locale(), name === 'password' ? 'link.password' : 'link.name');
    fieldsBox.append(field);
    return field;
  });

  const render = () => {
    heading.textContent = t(locale(), `${spec.prefix}.heading`);
    form.querySelector('.link-intro').textContent = t(locale(), `${spec.prefix}.intro`);
    button.textContent = t(locale(), `${spec.prefix}.submit`);
    for (const field of fields) {
      field.label = t(locale(), field.name === 'password' ? 'link.password' : 'link.name');
      if (field.name === 'password') field.hint = t(locale(), 'link.passwordHint');
    }
  };
  render();
  if (!token) {
    error.textContent = t(locale(), 'link.missingToken');
    button.disabled = true;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const field of fields) field.error = '';
    const password = fields.find((f) => f.name === 'password');
    if (password && password.value.length > 0 && password.value.length < 10) password.error = t(locale(), 'link.tooShort');
    const invalid = fields.find((f) => !f.reportValidity());
    if (invalid) {
      invalid.focus();
      return;
    }
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const values = Object.fromEntries(fields.map((f) => [f.name, f.value]));
      const result = await spec.submit(client, token, values);
      if (result.user) done({ user: result.user });
      else done({ message: `${spec.prefix}.done` });
    } catch (failure) {
      const field = fields.find((f) => failure?.errors?.some((e) => e.field === f.name));
      if (field) {
        field.error = failure.errors.find((e) => e.field === field.name).message;
        field.focus();
      } else {
        error.textContent = t(locale(), 'link.failed', { message: reason(failure) });
      }
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });

  provider.replaceChildren(view);
  return { retranslate: render };
}
