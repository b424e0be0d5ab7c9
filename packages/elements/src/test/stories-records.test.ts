// The stories of the lead, customer and campaign lists, the campaign creator and the send status (see stories.test.ts).
import * as campaignCreator from '../campaign-creator/campaign-creator.stories.js';
import * as campaignList from '../campaign-list/campaign-list.stories.js';
import * as customerList from '../customer-list/customer-list.stories.js';
import * as leadList from '../lead-list/lead-list.stories.js';
import * as sendStatus from '../send-status/send-status.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories of records and campaigns', { campaignCreator, campaignList, customerList, leadList, sendStatus });
