// The stories of the lead-request board, project list and lost-review admin (issue 23.5-7): each renders
// and is axe-clean in light / en and dark / de, on the in-memory double (memory-afterlife.ts).
import * as leadRequestBoard from '../lead-request-board/lead-request-board.stories.js';
import * as lostReviewAdmin from '../lost-review-admin/lost-review-admin.stories.js';
import * as projectList from '../project-list/project-list.stories.js';
import { describeStories } from './story-checks.js';

describeStories('deal afterlife stories', { leadRequestBoard, lostReviewAdmin, projectList });
