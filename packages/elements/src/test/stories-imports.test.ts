// The import wizard's stories render and pass axe in light and dark, English and German (story-checks.ts).
import * as importWizard from '../import-wizard/import-wizard.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories: import wizard', { importWizard });
