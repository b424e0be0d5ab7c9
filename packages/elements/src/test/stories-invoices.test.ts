// The invoice list's and the purchase conditions' stories: each renders and is axe-clean in light / en
// and dark / de, on the in-memory doubles (memory-invoices.ts, memory-purchase-conditions.ts).
import * as invoiceList from '../invoice-list/invoice-list.stories.js';
import * as purchaseConditions from '../purchase-conditions/purchase-conditions.stories.js';
import { describeStories } from './story-checks.js';

describeStories('invoice stories', { invoiceList, purchaseConditions });
