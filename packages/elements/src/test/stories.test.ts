// Every Storybook story of every element renders something (never a blank element) and passes axe,
// in the light and the dark theme and in both locales. Stories run on the in-memory double, as in
// Storybook; data flow against the real API is tested in each element's own test file. The checks are
// in story-checks.ts; the lead, customer and campaign lists and the campaign creator have their own
// file (stories-records.test.ts), as have the admin elements (stories-admin.test.ts), so no run outgrows
// the test runner's time budget.
import * as contactEditor from '../contact-editor/contact-editor.stories.js';
import * as contactList from '../contact-list/contact-list.stories.js';
import * as contactViewer from '../contact-viewer/contact-viewer.stories.js';
import * as opportunityEditor from '../opportunity-editor/opportunity-editor.stories.js';
import * as pipelineBoard from '../pipeline-board/pipeline-board.stories.js';
import * as provider from '../provider/provider.stories.js';
import * as selectField from '../select-field/select-field.stories.js';
import * as state from '../state/state.stories.js';
import * as taskList from '../task-list/task-list.stories.js';
import * as textField from '../text-field/text-field.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories', { contactEditor, contactList, contactViewer, opportunityEditor, pipelineBoard, provider, selectField, state, taskList, textField });
