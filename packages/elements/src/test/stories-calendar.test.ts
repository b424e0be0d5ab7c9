// The calendar's stories, its edit dialog open in several of them (see story-checks.ts): each renders and is
// axe-clean in the light theme in English and the dark theme in German.
import * as calendar from '../calendar/calendar.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories-calendar', { calendar });
