// The export button's and export list's stories render and pass axe in light and dark, English and German (story-checks.ts).
import * as exportButton from '../export-button/export-button.stories.js';
import * as exportList from '../export-list/export-list.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories: exports', { exportButton, exportList });
