// The campaign analytics' stories: each renders and is axe-clean in light / en and dark / de, on the
// in-memory campaign analytics double (memory-campaign-analytics.ts).
import * as campaignAnalytics from '../campaign-analytics/campaign-analytics.stories.js';
import { describeStories } from './story-checks.js';

describeStories('campaign analytics stories', { campaignAnalytics });
