import type { WorkflowState, WorkflowTransition } from './workflow.model.js';

interface WorkflowTemplate {
  key: string;
  name: string;
  initial: string;
  states: WorkflowState[];
  transitions: WorkflowTransition[];
}

const s = (key: string, label: string, final = false): WorkflowState => ({ key, label, final });

function allPairs(states: WorkflowState[]): WorkflowTransition[] {
  const out: WorkflowTransition[] = [];
  for (const from of states) {
    if (from.final) continue;
    for (const to of states) if (to.key !== from.key) out.push({ from: from.key, to: to.key, roles: [] });
  }
  return out;
}

const contactStates = [s('new', 'New'), s('hot', 'Hot'), s('converted', 'Converted', true), s('cold', 'Cold'), s('not_interested', 'Not interested')];
const customerStates = [s('draft', 'Draft'), s('new', 'New'), s('active', 'Active', true), s('inactive', 'In-active'), s('blocked', 'Blocked')];
const callingTaskStates = [s('new', 'New'), s('scheduled', 'Scheduled'), s('rescheduled', 'Re-scheduled'), s('done', 'Done', true), s('aborted', 'Aborted', true)];
const campaignStates = [s('draft', 'Draft'), s('new', 'New'), s('active', 'Active', true), s('inactive', 'In-active'), s('discarded', 'Discarded', true)];
const leadStates = [s('new', 'New'), s('contacted', 'Contacted'), s('qualified', 'Qualified'), s('converted', 'Converted', true), s('disqualified', 'Disqualified', true)];
const quoteStates = [s('draft', 'Draft'), s('sent', 'Sent'), s('accepted', 'Accepted', true), s('rejected', 'Rejected', true), s('expired', 'Expired', true)];
const orderStates = [s('pending_approval', 'Pending approval'), s('open', 'Open'), s('fulfilled', 'Fulfilled', true), s('cancelled', 'Cancelled', true)];
// Issue 23.7 (003 Request For Leads): sourcing, vetting, approval, delivery, extension (back to sourcing), closure and reopen.
const leadRequestStates = [s('sourcing', 'Sourcing'), s('vetting', 'Vetting'), s('approved', 'Approved'), s('delivered', 'Delivered'), s('closed', 'Closed', true)];
const ticketStates = [s('new', 'New'), s('open', 'Open'), s('pending_customer', 'Pending customer'), s('resolved', 'Resolved'), s('closed', 'Closed', true)];

/**
 * The seeded workflows. 000 marks Active and Converted final, yet a customer can go in-active and a
 * campaign is deactivated at its period's end, so "final" here means "the goal state", and the seeded
 * moves out of it are the ones 000 and the campaign schedule need; a sysadmin can tighten them.
 */
export const defaultWorkflows: WorkflowTemplate[] = [
  { key: 'contact', name: 'Contact', initial: 'new', states: contactStates, transitions: allPairs(contactStates) },
  {
    key: 'customer',
    name: 'Customer onboarding',
    initial: 'draft',
    states: customerStates,
    transitions: [...allPairs(customerStates), { from: 'active', to: 'inactive', roles: [] }, { from: 'active', to: 'blocked', roles: [] }],
  },
  {
    key: 'callingTask',
    name: 'Calling task',
    initial: 'new',
    states: callingTaskStates,
    transitions: [
      { from: 'new', to: 'scheduled', roles: [] },
      { from: 'new', to: 'done', roles: [] },
      { from: 'new', to: 'aborted', roles: [] },
      { from: 'scheduled', to: 'rescheduled', roles: [] },
      { from: 'scheduled', to: 'done', roles: [] },
      { from: 'scheduled', to: 'aborted', roles: [] },
      { from: 'rescheduled', to: 'rescheduled', roles: [] },
      { from: 'rescheduled', to: 'done', roles: [] },
      { from: 'rescheduled', to: 'aborted', roles: [] },
    ],
  },
  {
    key: 'campaign',
    name: 'Campaign',
    initial: 'draft',
    states: campaignStates,
    transitions: [
      { from: 'draft', to: 'new', roles: [] },
      { from: 'draft', to: 'discarded', roles: [] },
      { from: 'new', to: 'active', roles: [] },
      { from: 'new', to: 'discarded', roles: [] },
      { from: 'active', to: 'inactive', roles: [] },
      { from: 'inactive', to: 'active', roles: [] },
      { from: 'inactive', to: 'discarded', roles: [] },
    ],
  },
  { key: 'lead', name: 'Lead', initial: 'new', states: leadStates, transitions: allPairs(leadStates) },
  { key: 'ticket', name: 'Support ticket', initial: 'new', states: ticketStates, transitions: allPairs(ticketStates) },
  {
    // Issue 21: a sent quote goes back to draft when it is revised (a new version); accepted, rejected and expired end it.
    key: 'quote',
    name: 'Quote',
    initial: 'draft',
    states: quoteStates,
    transitions: [
      { from: 'draft', to: 'sent', roles: [] },
      { from: 'draft', to: 'expired', roles: [] },
      { from: 'sent', to: 'draft', roles: [] },
      { from: 'sent', to: 'accepted', roles: [] },
      { from: 'sent', to: 'rejected', roles: [] },
      { from: 'sent', to: 'expired', roles: [] },
    ],
  },
  {
    // Issue 23.7: a request for leads; approved -> delivered happens when the needed count is delivered, delivered/approved -> sourcing is an extension, closed -> sourcing a reopen.
    key: 'leadRequest',
    name: 'Request for leads',
    initial: 'sourcing',
    states: leadRequestStates,
    transitions: [
      { from: 'sourcing', to: 'vetting', roles: [] },
      { from: 'sourcing', to: 'closed', roles: [] },
      { from: 'vetting', to: 'sourcing', roles: [] },
      { from: 'vetting', to: 'approved', roles: [] },
      { from: 'vetting', to: 'closed', roles: [] },
      { from: 'approved', to: 'delivered', roles: [] },
      { from: 'approved', to: 'sourcing', roles: [] },
      { from: 'approved', to: 'closed', roles: [] },
      { from: 'delivered', to: 'sourcing', roles: [] },
      { from: 'delivered', to: 'closed', roles: [] },
      { from: 'closed', to: 'sourcing', roles: [] },
    ],
  },
  {
    // Issue 21: an order the credit gate held waits for approval (to open) or is cancelled; open orders are fulfilled or cancelled.
    key: 'order',
    name: 'Order',
    initial: 'open',
    states: orderStates,
    transitions: [
      { from: 'pending_approval', to: 'open', roles: [] },
      { from: 'pending_approval', to: 'cancelled', roles: [] },
      { from: 'open', to: 'fulfilled', roles: [] },
      { from: 'open', to: 'cancelled', roles: [] },
    ],
  },
];
