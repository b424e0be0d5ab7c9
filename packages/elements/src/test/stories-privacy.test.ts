// The privacy console's stories: each renders and is axe-clean in light / en and dark / de, on the
// in-memory privacy double (memory-privacy.ts).
import * as privacyConsole from '../privacy-console/privacy-console.stories.js';
import { describeStories } from './story-checks.js';

describeStories('privacy stories', { privacyConsole });
