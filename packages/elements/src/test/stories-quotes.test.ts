// The quote editor's stories: each renders and is axe-clean in light / en and dark / de, on the
// in-memory quotes double (memory-quotes.ts).
import * as quoteEditor from '../quote-editor/quote-editor.stories.js';
import { describeStories } from './story-checks.js';

describeStories('quote stories', { quoteEditor });
