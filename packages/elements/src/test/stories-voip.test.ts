// The VOIP elements' stories: each renders and is axe-clean in light / en and dark / de, on the in-memory
// VOIP double (memory-voip.ts).
import * as callButton from '../call-button/call-button.stories.js';
import * as voipSettings from '../voip-settings/voip-settings.stories.js';
import { describeStories } from './story-checks.js';

describeStories('voip stories', { callButton, voipSettings });
