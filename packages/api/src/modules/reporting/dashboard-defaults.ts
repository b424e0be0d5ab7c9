/** A widget as stored in a dashboard (see reporting.schema.ts for the fields). */
export interface WidgetSpec {
  id: string;
  kind: 'gauge' | 'chart' | 'metric';
  title: string;
  metric: string;
  period: string;
  dimension: string;
  chart?: 'line' | 'bar' | 'stacked' | 'funnel' | 'pie';
  range?: 'week' | 'month' | 'quarter' | '3months' | 'year' | 'next3months' | 'next12months';
  target?: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
}

type Layout = Omit<WidgetSpec, 'x' | 'y' | 'w' | 'h'>;

/** Lays widgets out on a 12-column grid from row `top`: gauges and figures a third wide, charts half, in reading order. */
export function laidOut(widgets: Layout[], top = 0): WidgetSpec[] {
  let x = 0;
  let y = top;
  let rowHeight = 0;
  return widgets.map((widget) => {
    const w = widget.kind === 'chart' ? 6 : 4;
    const h = widget.kind === 'chart' ? 4 : 3;
    if (x + w > 12) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { ...widget, x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return placed;
  });
}

/** A seller's own numbers (000's sales person dashboard; 002's executives and producers). */
const personal = (name: string): { name: string; widgets: WidgetSpec[] } => ({
  name,
  widgets: laidOut([
    { id: 'won-month', kind: 'gauge', title: 'Won this month', metric: 'deals.won.amount', period: 'month', dimension: 'owner', target: true },
    { id: 'pipeline', kind: 'metric', title: 'Weighted pipeline this quarter', metric: 'pipeline.weighted', period: 'quarter', dimension: 'owner' },
    { id: 'leads-week', kind: 'gauge', title: 'Leads this week', metric: 'leads.created', period: 'week', dimension: 'owner', target: true },
    { id: 'won-weeks', kind: 'chart', title: 'Deals won per week', metric: 'deals.won', period: 'week', dimension: 'owner', chart: 'line', range: '3months' },
    { id: 'calls', kind: 'chart', title: 'Calls per week', metric: 'activities.calls', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
    { id: 'emails', kind: 'chart', title: 'Emails per week', metric: 'activities.emails', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
    // Phone sales (000): answered calls and talk time from the phone system (docs/voip.md).
    { id: 'calls-answered', kind: 'chart', title: 'Answered calls per week', metric: 'calls.answered', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
    { id: 'talk-minutes', kind: 'metric', title: 'Talk minutes this week', metric: 'calls.minutes', period: 'week', dimension: 'owner' },
  ]),
});

/** A head's view of everyone below (000's pipeline report and revenue by sales person; 002's team leaders). */
const head = (name: string, split: 'owner' | 'team' | 'product'): { name: string; widgets: WidgetSpec[] } => ({
  name,
  widgets: laidOut([
    { id: 'won-quarter', kind: 'gauge', title: 'Won this quarter', metric: 'deals.won.amount', period: 'quarter', dimension: 'all', target: true },
    { id: 'pipeline', kind: 'metric', title: 'Weighted pipeline this quarter', metric: 'pipeline.weighted', period: 'quarter', dimension: 'all' },
    { id: 'lost', kind: 'metric', title: 'Deals lost this month', metric: 'deals.lost', period: 'month', dimension: 'all' },
    { id: 'revenue-by', kind: 'chart', title: `Revenue by ${split === 'owner' ? 'sales person' : split}`, metric: 'deals.won.amount', period: 'month', dimension: split, chart: 'stacked', range: 'year' },
    { id: 'calls-by', kind: 'chart', title: `Calls by ${split === 'owner' ? 'person' : split}`, metric: 'activities.calls', period: 'week', dimension: split, chart: 'bar', range: '3months' },
    { id: 'emails-by', kind: 'chart', title: `Emails by ${split === 'owner' ? 'person' : split}`, metric: 'activities.emails', period: 'week', dimension: split, chart: 'bar', range: '3months' },
    { id: 'answered-by', kind: 'chart', title: `Answered calls by ${split === 'owner' ? 'person' : split}`, metric: 'calls.answered', period: 'week', dimension: split, chart: 'bar', range: '3months' },
    { id: 'talk-minutes-by', kind: 'chart', title: `Talk minutes by ${split === 'owner' ? 'person' : split}`, metric: 'calls.minutes', period: 'week', dimension: split, chart: 'bar', range: '3months' },
  ]),
});

/** The agency-wide head of sales: the same, plus the pipeline by stage and the leads. */
const salesHead = {
  name: 'Sales overview',
  widgets: laidOut([
    ...head('', 'owner').widgets.map(({ x: _x, y: _y, w: _w, h: _h, ...w }) => w),
    { id: 'funnel', kind: 'chart', title: 'Pipeline by stage', metric: 'pipeline.weighted', period: 'quarter', dimension: 'stage', chart: 'funnel', range: 'quarter' },
    { id: 'sources', kind: 'chart', title: 'Leads by source', metric: 'leads.created', period: 'month', dimension: 'source', chart: 'pie', range: '3months' },
    { id: 'forecast', kind: 'chart', title: 'Forecast by close month', metric: 'pipeline.weighted', period: 'month', dimension: 'forecast', chart: 'stacked', range: 'next3months' },
    { id: 'lost-reasons', kind: 'chart', title: 'Deals lost by reason', metric: 'deals.lost', period: 'month', dimension: 'lostReason', chart: 'pie', range: '3months' },
    { id: 'leads-converted', kind: 'metric', title: 'Leads converted this month', metric: 'leads.converted', period: 'month', dimension: 'all' },
    { id: 'campaign-opened-channel', kind: 'chart', title: 'Campaign emails opened, ours and Mailwizz', metric: 'campaigns.opened', period: 'month', dimension: 'channel', chart: 'stacked', range: '3months' },
    { id: 'campaign-revenue', kind: 'chart', title: 'Campaign revenue', metric: 'campaigns.revenue', period: 'month', dimension: 'campaign', chart: 'bar', range: 'quarter' },
    { id: 'campaign-cost', kind: 'chart', title: 'Campaign cost', metric: 'campaigns.cost', period: 'month', dimension: 'campaign', chart: 'bar', range: 'quarter' },
  ]),
};

/** 002's research roles: leads imported per week, month or three months against a target. */
const research = {
  name: 'My research',
  widgets: laidOut([
    { id: 'imported-week', kind: 'gauge', title: 'Leads imported this week', metric: 'leads.imported', period: 'week', dimension: 'owner', target: true },
    { id: 'imported-month', kind: 'gauge', title: 'Leads imported this month', metric: 'leads.imported', period: 'month', dimension: 'owner', target: true },
    { id: 'imported-quarter', kind: 'gauge', title: 'Leads imported in 3 months', metric: 'leads.imported', period: 'quarter', dimension: 'owner', target: true },
    { id: 'imported-weeks', kind: 'chart', title: 'Leads imported per week', metric: 'leads.imported', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
    { id: 'leads-week', kind: 'gauge', title: 'Leads this week', metric: 'leads.created', period: 'week', dimension: 'owner', target: true },
    { id: 'leads-month', kind: 'gauge', title: 'Leads this month', metric: 'leads.created', period: 'month', dimension: 'owner', target: true },
    { id: 'leads-quarter', kind: 'gauge', title: 'Leads this quarter', metric: 'leads.created', period: 'quarter', dimension: 'owner', target: true },
    { id: 'leads-weeks', kind: 'chart', title: 'Leads per week', metric: 'leads.created', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
  ]),
};

/** 000's customer support dashboard. */
const support = {
  name: 'Support',
  widgets: laidOut([
    { id: 'opened-week', kind: 'metric', title: 'Tickets opened this week', metric: 'tickets.opened', period: 'week', dimension: 'all' },
    { id: 'resolved-week', kind: 'gauge', title: 'Tickets resolved this week', metric: 'tickets.resolved', period: 'week', dimension: 'all', target: true },
    { id: 'opened-days', kind: 'chart', title: 'Tickets opened per day', metric: 'tickets.opened', period: 'day', dimension: 'all', chart: 'line', range: 'month' },
    { id: 'resolved-by', kind: 'chart', title: 'Resolved by agent', metric: 'tickets.resolved', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
    { id: 'sla-breached-week', kind: 'metric', title: 'SLA targets missed this week', metric: 'tickets.sla_breached', period: 'week', dimension: 'all' },
    { id: 'sla-breached-weeks', kind: 'chart', title: 'SLA targets missed per week', metric: 'tickets.sla_breached', period: 'week', dimension: 'all', chart: 'line', range: '3months' },
    // Satisfaction (ratings given when customers close tickets on the portal): satisfied (4–5) of rated.
    { id: 'satisfied-month', kind: 'metric', title: 'Satisfied customers this month', metric: 'tickets.satisfied', period: 'month', dimension: 'all' },
    { id: 'rated-month', kind: 'metric', title: 'Tickets rated this month', metric: 'tickets.rated', period: 'month', dimension: 'all' },
    { id: 'satisfied-by', kind: 'chart', title: 'Satisfied customers by agent', metric: 'tickets.satisfied', period: 'month', dimension: 'owner', chart: 'bar', range: '3months' },
  ]),
};

/** 000's sysadmin dashboard: how much the agency records, day by day. */
const activity = {
  name: 'Agency activity',
  widgets: laidOut([
    { id: 'deals', kind: 'metric', title: 'Deals created this month', metric: 'deals.created', period: 'month', dimension: 'all' },
    { id: 'leads', kind: 'metric', title: 'Leads created this month', metric: 'leads.created', period: 'month', dimension: 'all' },
    { id: 'tickets', kind: 'metric', title: 'Tickets opened this month', metric: 'tickets.opened', period: 'month', dimension: 'all' },
    { id: 'emails-days', kind: 'chart', title: 'Emails logged per day', metric: 'activities.emails', period: 'day', dimension: 'all', chart: 'line', range: 'month' },
    { id: 'deals-days', kind: 'chart', title: 'Deals created per day', metric: 'deals.created', period: 'day', dimension: 'all', chart: 'line', range: 'month' },
  ]),
};

/**
 * 002's marketing roles: what their campaigns' emails did, our own sends and Mailwizz's together (a
 * campaign counts in the month it started), split the way the role sees campaigns (`owner` for the head,
 * `product` for the managers and executives).
 */
const campaignWidgets = (split: 'owner' | 'product'): Layout[] => [
  { id: 'campaign-sent', kind: 'metric', title: 'Campaign emails sent this month', metric: 'campaigns.sent', period: 'month', dimension: split },
  { id: 'campaign-opened', kind: 'chart', title: 'Campaign emails opened', metric: 'campaigns.opened', period: 'month', dimension: split, chart: 'bar', range: '3months' },
  { id: 'campaign-bounced', kind: 'chart', title: 'Campaign bounces', metric: 'campaigns.bounced', period: 'month', dimension: split, chart: 'bar', range: '3months' },
  { id: 'campaign-replied', kind: 'chart', title: 'Campaign replies', metric: 'campaigns.replied', period: 'month', dimension: split, chart: 'bar', range: '3months' },
  { id: 'campaign-signups', kind: 'metric', title: 'Campaign signups this month', metric: 'campaigns.signups', period: 'month', dimension: split },
  { id: 'leads-contacted', kind: 'chart', title: 'Leads contacted per week', metric: 'leads.contacted', period: 'week', dimension: split, chart: 'bar', range: '3months' },
];

/** 002's marketing heads: leads and revenue by product and campaign, and the campaigns' emails. */
const marketing = {
  name: 'Marketing',
  widgets: laidOut([
    { id: 'leads-month', kind: 'gauge', title: 'Leads this month', metric: 'leads.created', period: 'month', dimension: 'owner', target: true },
    { id: 'emails-week', kind: 'metric', title: 'Emails this week', metric: 'activities.emails', period: 'week', dimension: 'owner' },
    { id: 'leads-weeks', kind: 'chart', title: 'Leads per week', metric: 'leads.created', period: 'week', dimension: 'owner', chart: 'line', range: '3months' },
    { id: 'emails-weeks', kind: 'chart', title: 'Emails per week', metric: 'activities.emails', period: 'week', dimension: 'owner', chart: 'bar', range: '3months' },
    ...campaignWidgets('owner'),
  ]),
};

/** 002's marketing managers and executives: their products' team figures and campaigns. */
const marketingTeam = {
  name: 'Marketing team',
  widgets: laidOut([...head('', 'product').widgets.map(({ x: _x, y: _y, w: _w, h: _h, ...w }) => w), ...campaignWidgets('product')]),
};

/**
 * The widgets each default gained after the first release, by role template: an agency whose stored
 * default has no memory of what it was seeded with (made before that memory existed) is given these
 * (dashboards.service.ts `ensureRoleDefault`), and nothing it had or an admin removed comes back.
 */
export const widgetsAddedAfterFirstRelease = new Set([
  'lost-reasons', 'leads-converted', 'campaign-opened-channel', 'campaign-revenue', 'campaign-cost',
  'imported-week', 'imported-month', 'imported-quarter', 'imported-weeks',
  'sla-breached-week', 'sla-breached-weeks',
  'campaign-sent', 'campaign-opened', 'campaign-bounced', 'campaign-replied', 'campaign-signups', 'leads-contacted',
]);

/**
 * The default dashboard of each built-in role (000's and 002's), by role key. Widgets ask only for
 * dimensions the role's visibility can answer: `owner` for people who see their own records, `team` or
 * `product` for the heads of those, anything for roles that see the whole agency.
 */
export const roleDashboards: Record<string, { name: string; widgets: WidgetSpec[] }> = {
  ADMIN: salesHead,
  SYSADMIN: activity,
  SALES_HEAD: salesHead,
  SALES_PERSON: personal('My sales'),
  SUPPORT: support,
  PD: head('Production', 'product'),
  SPM: head('Production', 'product'),
  PM: head('Production', 'product'),
  SP: personal('My production'),
  P: personal('My production'),
  HM: marketing,
  MM: marketingTeam,
  SME: marketingTeam,
  JME: marketingTeam,
  SRE: research,
  JRE: research,
  SM: head('Phone sales', 'owner'),
  ASM: head('Phone sales', 'owner'),
  STM: head('My team', 'team'),
  SSE: personal('My calls and sales'),
  SE: personal('My calls and sales'),
};
