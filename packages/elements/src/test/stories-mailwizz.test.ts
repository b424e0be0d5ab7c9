// The Mailwizz settings' stories: each renders and is axe-clean in light / en and dark / de, on the
// in-memory Mailwizz double (memory-mailwizz.ts).
import * as mailwizzSettings from '../mailwizz-settings/mailwizz-settings.stories.js';
import { describeStories } from './story-checks.js';

describeStories('mailwizz stories', { mailwizzSettings });
