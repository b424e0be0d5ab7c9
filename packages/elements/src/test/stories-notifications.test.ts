// The notification inbox's stories render and pass axe in light and dark, English and German (story-checks.ts).
import * as notificationInbox from '../notification-inbox/notification-inbox.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories: notifications', { notificationInbox });
