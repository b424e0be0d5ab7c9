// Every Storybook story of <crm-report> renders and is axe-clean in light/English and dark/German
// (checks in story-checks.ts).
import * as report from '../report/report.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories of the report element', { report });
