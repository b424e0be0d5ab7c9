// The stories of <crm-annual-forecast> (issue 19, 003's annual forecast): each renders and is axe-clean in
// light / en and dark / de, on the in-memory double (memory-forecasts.ts).
import * as annualForecast from '../annual-forecast/annual-forecast.stories.js';
import { describeStories } from './story-checks.js';

describeStories('annual forecast stories', { annualForecast });
