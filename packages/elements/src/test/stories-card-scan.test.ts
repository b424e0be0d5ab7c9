// The card scan's stories render and pass axe in light and dark, English and German (story-checks.ts).
import * as cardScan from '../card-scan/card-scan.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories: card scan', { cardScan });
