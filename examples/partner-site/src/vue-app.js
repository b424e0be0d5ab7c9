// A Vue 3 host page (runtime-only build, render functions: no template compiler, so no eval under CSP).
// Vue sets attributes on unknown tags and binds `on<Event>` to custom events.
import { createApp, h, ref } from 'vue';

const slot = document.getElementById('app');
const campaign = slot.dataset.campaign;
const referral = slot.dataset.referral;

createApp({
  setup() {
    const status = ref('');
    return () =>
      h('main', null, [
        h('h1', null, 'Acme Partners — spring offer'),
        h('p', { id: 'vue-status', 'aria-live': 'polite' }, status.value),
        h('crm-referral-signup', { campaign, referral, 'onCrm-signup-submitted': () => (status.value = 'You signed up: welcome to the programme.') }),
        h('crm-campaign-card', { campaign }),
      ]);
  },
}).mount(slot);
