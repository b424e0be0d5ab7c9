// Every Storybook story of the dashboard elements (gauge, chart, dashboard) renders and is axe-clean in
// light/English and dark/German (checks in story-checks.ts).
import * as chart from '../chart/chart.stories.js';
import * as dashboard from '../dashboard/dashboard.stories.js';
import * as gauge from '../gauge/gauge.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories of the dashboard elements', { chart, dashboard, gauge });
