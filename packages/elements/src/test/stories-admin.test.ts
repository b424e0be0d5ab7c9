// The admin elements' stories (workflows, custom fields, templates, products): each renders and is
// axe-clean in light / en and dark / de, on the in-memory admin double (admin-memory-api.ts). In a file
// of their own so no stories run outgrows the test runner's time budget.
import * as customFieldAdmin from '../custom-field-admin/custom-field-admin.stories.js';
import * as productAdmin from '../product-admin/product-admin.stories.js';
import * as templateAdmin from '../template-admin/template-admin.stories.js';
import * as ticketAssignmentAdmin from '../ticket-assignment-admin/ticket-assignment-admin.stories.js';
import * as workflowAdmin from '../workflow-admin/workflow-admin.stories.js';
import { describeStories } from './story-checks.js';

describeStories('admin stories', { customFieldAdmin, productAdmin, templateAdmin, ticketAssignmentAdmin, workflowAdmin });
