// The support elements' stories (ticket list, ticket view and the customer invite) render and pass axe in both themes and
// locales, on the in-memory double; their data flow against the real API is in their own test files.
import * as customerInvite from '../customer-invite/customer-invite.stories.js';
import * as ticketList from '../ticket-list/ticket-list.stories.js';
import * as ticketView from '../ticket-view/ticket-view.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories of support', { ticketList, ticketView, customerInvite });
