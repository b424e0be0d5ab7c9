// The invoice list's stories: each renders and is axe-clean in light / en and dark / de, on the
// in-memory invoices double (memory-invoices.ts).
import * as invoiceList from '../invoice-list/invoice-list.stories.js';
import { describeStories } from './story-checks.js';

describeStories('invoice stories', { invoiceList });
