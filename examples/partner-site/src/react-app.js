// A React 19 host page: the widgets are plain custom elements; React 19 passes attributes and listens
// to their custom events through ordinary props.
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';

const slot = document.getElementById('app');
const campaign = slot.dataset.campaign;
const referral = slot.dataset.referral;

function App() {
  const [status, setStatus] = useState('');
  return h(
    'main',
    null,
    h('h1', null, 'Acme Partners — spring offer'),
    h('p', { id: 'react-status', 'aria-live': 'polite' }, status),
    // React 19 sets custom-element attributes and binds `on<event-name>` props to custom events.
    h('crm-referral-signup', { campaign, referral, 'oncrm-signup-submitted': () => setStatus('You signed up: welcome to the programme.') }),
    h('crm-campaign-card', { campaign }),
  );
}

createRoot(slot).render(h(App));
