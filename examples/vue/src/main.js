// The Vue 3 host's entry: the elements register their tags, then Vue mounts the app. Vue's runtime-only
// build runs here: App.vue's template was compiled at build time (build.mjs), so nothing is evaluated
// in the browser and the page keeps its strict CSP.
import '@crm/elements';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
