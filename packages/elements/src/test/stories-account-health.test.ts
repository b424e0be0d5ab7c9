// The stories of <crm-account-health> (issue 23.8): each renders and is axe-clean in light / en and dark / de,
// on the in-memory double (memory-account-health.ts).
import * as accountHealth from '../account-health/account-health.stories.js';
import { describeStories } from './story-checks.js';

describeStories('account health stories', { accountHealth });
