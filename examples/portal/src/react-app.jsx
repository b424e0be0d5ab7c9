// The same portal as a React 19 app. React 19 sets a custom element's known properties as properties
// (so `client={crm}` hands the provider the SDK client object, not a string) and binds
// `on<event-name>` props to the elements' custom events, such as `oncrm-contact-selected`.
import '@crm/elements';
import { createCrmClient } from '@crm/client-sdk';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { apiBaseUrl, contactName, t, views } from './host.js';

const baseUrl = apiBaseUrl();

function useHashView() {
  const read = () => (views.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'contacts');
  const [view, setView] = useState(read);
  useEffect(() => {
    const onHash = () => setView(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return view;
}

function Contacts({ locale, onStatus }) {
  const list = useRef(null);
  const viewer = useRef(null);
  const editor = useRef(null);
  // The detail pane shows a hint, a contact's card, or the editor (of `editorId`, or a new contact).
  const [mode, setMode] = useState('hint');
  const [viewerId, setViewerId] = useState('');
  const [editorId, setEditorId] = useState('');

  /** Leaves the editor first when it is open; false when the person chose to keep editing. */
  const leaveEditor = () => mode !== 'editor' || editor.current.requestClose();
  const open = (id) => {
    if (!leaveEditor()) return;
    setViewerId(id);
    setMode('viewer');
  };
  const edit = (id) => {
    if (!leaveEditor()) return;
    setEditorId(id);
    setMode('editor');
  };
  const saved = (contact) => {
    onStatus(['status.saved', { name: contactName(contact) }]);
    list.current.reload();
    if (viewerId === contact.id) viewer.current.reload();
    setViewerId(contact.id);
    setMode('viewer');
  };

  return (
    <section className="view contacts">
      <div className="list-pane">
        <crm-contact-list ref={list} page-size="50" oncrm-contact-selected={(e) => open(e.detail.contact.id)}></crm-contact-list>
      </div>
      <aside className="detail-pane">
        <button type="button" className="primary" onClick={() => edit('')}>
          {t(locale, 'contacts.new')}
        </button>
        {mode === 'hint' && <p className="hint">{t(locale, 'contacts.pick')}</p>}
        <crm-contact-viewer
          ref={viewer}
          hidden={mode !== 'viewer'}
          contact-id={viewerId}
          oncrm-contact-edit-requested={(e) => edit(e.detail.contact.id)}
          oncrm-contact-transitioned={() => list.current.reload()}
        ></crm-contact-viewer>
        {/* Beside the card: invite the contact to the customer portal, or send a new sign-in link. */}
        <crm-customer-invite hidden={mode !== 'viewer'} contact-id={viewerId}></crm-customer-invite>
        {mode === 'editor' && (
          <crm-contact-editor
            ref={editor}
            contact-id={editorId}
            oncrm-contact-saved={(e) => saved(e.detail.contact)}
            oncrm-contact-cancel={() => setMode(viewerId ? 'viewer' : 'hint')}
          ></crm-contact-editor>
        )}
      </aside>
    </section>
  );
}

function Pipeline({ crm, locale, onStatus }) {
  const [pipelines, setPipelines] = useState([]);
  const [pipelineId, setPipelineId] = useState('');
  useEffect(() => {
    let live = true;
    crm.pipelines.list().then(({ data }) => {
      if (!live) return;
      setPipelines(data);
      setPipelineId((id) => id || data[0]?.id || '');
    });
    return () => {
      live = false;
    };
  }, [crm]);
  return (
    <section className="view">
      <label className="control">
        <span>{t(locale, 'pipeline.label')}</span>{' '}
        <select value={pipelineId} onChange={(e) => setPipelineId(e.target.value)}>
          {pipelines.map((p) => (
            <option key={p.id} value={p.id}>{p.name}</option>
          ))}
        </select>
      </label>
      <crm-pipeline-board
        pipeline-id={pipelineId}
        oncrm-card-moved={(e) => onStatus(['status.moved', { name: e.detail.opportunity.name, stage: e.detail.toStage }])}
      ></crm-pipeline-board>
    </section>
  );
}

function App() {
  // One SDK client for the app's lifetime, created by React and handed to the provider as a property.
  const crm = useMemo(() => createCrmClient({ baseUrl, auth: { type: 'session' } }), []);
  const [user, setUser] = useState(undefined);
  const [locale, setLocale] = useState('en');
  const [dark, setDark] = useState(false);
  const [status, setStatus] = useState(null);
  const view = useHashView();

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [locale, dark]);

  const signOut = async () => {
    await crm.session.signOut().catch(() => {});
    setUser(undefined);
    setStatus(null);
  };

  const nav = ['contacts', 'pipeline', 'campaigns', 'tasks'];
  return (
    <>
      <header className="topbar">
        <a className="brand" href="#contacts">
          <span className="logo" aria-hidden="true">N</span>
          <span>{t(locale, 'brand')} · React</span>
        </a>
        <div className="controls">
          <label className="control">
            <span>{t(locale, 'locale.label')}</span>
            <select id="locale" value={locale} onChange={(e) => setLocale(e.target.value)}>
              <option value="en">English</option>
              <option value="de">Deutsch</option>
            </select>
          </label>
          <button id="theme" className="toggle" type="button" aria-pressed={dark} onClick={() => setDark(!dark)}>
            {t(locale, 'theme.dark')}
          </button>
          {user && (
            <button id="sign-out" className="quiet" type="button" onClick={signOut}>
              {t(locale, 'signOut')}
            </button>
          )}
        </div>
      </header>
      <p id="status" className="status" role="status" aria-live="polite">
        {status ? `${t(locale, ...status)} (seen by React)` : ''}
      </p>
      {/* `client` is set as a property; `base-url` makes the provider show its sign-in form, which signs this client in. */}
      <crm-provider
        id="crm"
        client={crm}
        user={user}
        base-url={baseUrl}
        locale={locale}
        theme={dark ? 'dark' : 'light'}
        oncrm-user-signed-in={(e) => {
          setUser(e.detail.user);
          setStatus(['status.signedIn', { name: e.detail.user.name }]);
        }}
      >
        {user && (
          <div className="shell">
            <nav className="nav" aria-label={t(locale, 'nav.label')}>
              {nav.map((name) => (
                <a key={name} href={`#${name}`} data-view={name} aria-current={view === name ? 'page' : undefined}>
                  {t(locale, `nav.${name}`)}
                </a>
              ))}
            </nav>
            <main className="views">
              {view === 'contacts' && <Contacts locale={locale} onStatus={setStatus} />}
              {view === 'pipeline' && <Pipeline crm={crm} locale={locale} onStatus={setStatus} />}
              {view === 'campaigns' && (
                <section className="view">
                  <crm-campaign-creator oncrm-campaign-saved={(e) => setStatus(['status.campaign', { title: e.detail.campaign.title }])}></crm-campaign-creator>
                </section>
              )}
              {view === 'tasks' && (
                <section className="view">
                  <crm-task-list scope="mine" oncrm-task-transitioned={(e) => setStatus(['status.task', { title: e.detail.task.title, to: e.detail.to }])}></crm-task-list>
                </section>
              )}
            </main>
          </div>
        )}
      </crm-provider>
    </>
  );
}

createRoot(document.getElementById('app')).render(<App />);
