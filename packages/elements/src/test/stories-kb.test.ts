// The knowledge-base editor's stories render and pass axe in both themes and locales, on the in-memory
// double; its data flow against the real API is in kb-editor.test.ts.
import * as kbEditor from '../kb-editor/kb-editor.stories.js';
import { describeStories } from './story-checks.js';

describeStories('stories of the knowledge base', { kbEditor });
