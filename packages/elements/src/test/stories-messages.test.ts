// <crm-messages>' stories: each renders and is axe-clean in light / en and dark / de, on the in-memory
// conversations double (memory-conversations.ts).
import * as messages from '../messages/messages.stories.js';
import { describeStories } from './story-checks.js';

describeStories('messages stories', { messages });
