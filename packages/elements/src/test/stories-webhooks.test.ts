// The webhook admin's stories: each renders and is axe-clean in light / en and dark / de, on the
// in-memory webhooks double (memory-webhooks.ts).
import * as webhookAdmin from '../webhook-admin/webhook-admin.stories.js';
import { describeStories } from './story-checks.js';

describeStories('webhook stories', { webhookAdmin });
