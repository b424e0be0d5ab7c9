import { sendKeys } from '@web/test-runner-commands';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../provider/provider.js';
import type { Task } from '../shared/api/types.js';
import { expectAccessible } from '../test/axe.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';
import { createMemoryApi, makeTask, MemoryApiError } from '../test/memory-api.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import type { CrmSelectField } from '../select-field/select-field.component.js';
import type { CrmTextField } from '../text-field/text-field.component.js';
import type { CrmTaskList } from './task-list.component.js';
import './task-list.js';
import { groupByDue } from './due-groups.js';

async function mount(client: unknown, user: unknown, scope = 'mine'): Promise<CrmTaskList> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} time-zone="UTC"><crm-task-list scope=${scope}></crm-task-list></crm-provider>`);
  const list = provider.querySelector('crm-task-list')!;
  await until(() => Boolean(list.shadowRoot!.querySelector('[part="group"], crm-state:not([kind="loading"])')), 8000, 'tasks');
  return list;
}

const day = 86_400_000;

describe('crm-task-list', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
    const tomorrowNoon = new Date(Math.floor(Date.now() / day) * day + day + 12 * 3_600_000).toISOString();
    const post = (body: object) => api.client.transport.post<Task>('/v1/tasks', body);
    await post({ kind: 'call', title: 'Call Ada about the renewal', dueAt: new Date(Date.now() - day).toISOString() });
    await post({ kind: 'call', title: 'Call Grace back', dueAt: tomorrowNoon });
    await post({ kind: 'todo', title: 'Send the proposal' });
    await post({ kind: 'todo', title: 'Unassigned follow-up', assigneeId: null });
  });

  it('should group my open tasks by due date from the real API, axe-clean', async () => {
    const list = await mount(api.client, api.user);
    const groups = [...list.shadowRoot!.querySelectorAll('[part="group"]')].map((g) => g.getAttribute('data-group'));
    expect(groups).to.deep.equal(['overdue', 'tomorrow', 'none']);
    expect(list.shadowRoot!.querySelectorAll('[part="task"]').length).to.equal(3);
    await expectAccessible(list);
  });

  it("should show the team's tasks when the scope switches", async () => {
    const list = await mount(api.client, api.user);
    const team = [...list.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="scope"] button')][1]!;
    team.click();
    await until(() => list.shadowRoot!.querySelectorAll('[part="task"]').length === 4, 8000, 'team tasks');
    expect(list.scope).to.equal('team');
    expect(team.getAttribute('aria-pressed')).to.equal('true');
  });

  it('should offer the calling-task transitions and apply one on the real API', async () => {
    const list = await mount(api.client, api.user);
    const call = list.shadowRoot!.querySelector('[data-group="overdue"] [part="task"]')!;
    const actions = [...call.querySelectorAll<HTMLButtonElement>('[part="transition-button"]')].map((b) => b.textContent!.trim());
    expect(actions).to.deep.equal(['Schedule', 'Done', 'Abort']);
    const moved = oneEvent(list, 'crm-task-transitioned');
    call.querySelectorAll<HTMLButtonElement>('[part="transition-button"]')[0]!.click();
    const { detail } = await moved;
    expect(detail).to.include({ from: 'new', to: 'scheduled' });
    const stored = await api.client.transport.get<Task>(`/v1/tasks/${detail.task.id}`);
    expect(stored.status).to.equal('scheduled');
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('[part="message"]')!.textContent).to.contain('now Scheduled');
  });

  it('should ask for the new due date and time on re-schedule, validate it and save it with the move on the real API', async () => {
    const own = await liveApi();
    const created = await own.client.tasks.create({ kind: 'call', title: 'Call Linus', dueAt: new Date(Date.now() + 2 * 3_600_000).toISOString() });
    const task = await own.client.tasks.transition(created.id, { to: 'scheduled', version: created.version });
    const list = await mount(own.client, own.user);
    const root = list.shadowRoot!;
    const button = () => root.querySelector<HTMLButtonElement>('[data-to="rescheduled"]')!;
    expect(button().getAttribute('aria-expanded')).to.equal('false');
    button().focus();
    await sendKeys({ press: 'Enter' });
    await list.updateComplete;
    const dayField = () => root.querySelector<CrmTextField>('[part="reschedule"] crm-text-field[name="dueDate"]')!;
    const timeField = () => root.querySelector<CrmTextField>('[part="reschedule"] crm-text-field[name="dueTime"]')!;
    const input = () => dayField().shadowRoot!.querySelector('input')!;
    const dayError = () => dayField().shadowRoot!.querySelector('[part="error-message"]')!.textContent;
    /** Types into one of the two fields as a person would (the day in the reader's way, here en-US). */
    const set = async (field: CrmTextField, value: string) => {
      const native = field.shadowRoot!.querySelector('input')!;
      native.value = value;
      native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      await field.updateComplete;
    };
    expect(button().getAttribute('aria-expanded')).to.equal('true');
    await until(() => root.activeElement === dayField(), 4000, 'focus on the new day');
    expect(dayField().label).to.equal('New due date');
    expect(timeField().label).to.equal('Time');
    await expectAccessible(list);

    // Escape closes the form without a call and gives focus back to the button.
    await sendKeys({ press: 'Escape' });
    await list.updateComplete;
    expect(root.querySelector('[part="reschedule"]')).to.equal(null);
    expect(root.activeElement).to.equal(button());

    // An empty or past time is refused beside the day, once; nothing is sent.
    await sendKeys({ press: 'Enter' });
    await list.updateComplete;
    const submit = () => root.querySelector<HTMLButtonElement>('[part="reschedule"] button[type="submit"]')!;
    await set(dayField(), '');
    submit().click();
    await until(() => dayError() === 'Enter the new due date and time.', 4000, 'required error');
    expect(input().getAttribute('aria-invalid')).to.equal('true');
    expect(timeField().shadowRoot!.querySelector('[part="error-message"]')!.textContent).to.equal('');
    await set(dayField(), '01/01/2020');
    await set(timeField(), '09:00');
    submit().click();
    await until(() => dayError() === 'The new due time must be in the future.', 4000, 'past error');
    expect((await own.client.tasks.get(task.id)).status).to.equal('scheduled');

    // A valid time: saved as the task's dueAt together with the move to re-scheduled.
    const when = new Date(Date.now() + 3 * 86_400_000);
    when.setUTCSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    await set(dayField(), `${pad(when.getUTCMonth() + 1)}/${pad(when.getUTCDate())}/${when.getUTCFullYear()}`);
    await set(timeField(), `${pad(when.getUTCHours())}:${pad(when.getUTCMinutes())}`);
    const moved = oneEvent(list, 'crm-task-transitioned');
    input().focus();
    await sendKeys({ press: 'Enter' });
    const { detail } = await moved;
    expect(detail).to.include({ from: 'scheduled', to: 'rescheduled' });
    const stored = await own.client.tasks.get(task.id);
    expect(stored.status).to.equal('rescheduled');
    expect(Date.parse(stored.dueAt!)).to.equal(when.getTime());
    await list.updateComplete;
    expect(root.querySelector('[part="reschedule"]')).to.equal(null);
    expect(root.querySelector('[part="message"]')!.textContent).to.contain('re-scheduled to');
    expect(root.querySelector(`[data-task="${task.id}"] [part="status"]`)!.textContent).to.equal('Re-scheduled');
  });

  it('should report a refused transition: the task changed elsewhere on the real API', async () => {
    const own = await liveApi();
    const task = await own.client.transport.post<Task>('/v1/tasks', { kind: 'call', title: 'Call Alan', dueAt: new Date(Date.now() + day).toISOString() });
    const list = await mount(own.client, own.user);
    // Someone else finishes the call while the list still offers its moves.
    await own.client.transport.post(`/v1/tasks/${task.id}/transitions`, { to: 'done', version: task.version });
    list.shadowRoot!.querySelector<HTMLButtonElement>('[part="transition-button"]')!.click();
    const message = list.shadowRoot!.querySelector('[part="message"]')!;
    await until(() => message.textContent!.includes('was not changed'), 8000, 'refusal');
    expect((await own.client.transport.get<Task>(`/v1/tasks/${task.id}`)).status).to.equal('done');
    await list.updateComplete;
    expect(list.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal('Done');
    expect(list.shadowRoot!.querySelectorAll('[part="transition-button"]')).to.have.length(0);
    await expectAccessible(list);
  });

  it('should design the empty state (a new agency on the real API) and the error state', async () => {
    const own = await liveApi();
    const list = await mount(own.client, own.user);
    expect(list.shadowRoot!.querySelector('crm-state')!.kind).to.equal('empty');
    expect(list.shadowRoot!.querySelector('crm-state')!.message).to.equal('No open tasks. Well done!');
    await expectAccessible(list);
    const memory = createMemoryApi();
    memory.failNext('GET', /^\/v1\/tasks$/, new MemoryApiError(503, 'unavailable', 'Down for maintenance.'));
    const failing = await mount(memory.client, undefined);
    expect(failing.shadowRoot!.querySelector('crm-state')!.kind).to.equal('error');
    expect(failing.shadowRoot!.querySelector('crm-state')!.message).to.equal('Down for maintenance.');
    await expectAccessible(failing);
  });

  it('should group by the calendar day in the given time zone', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    const at = (iso: string) => makeTask(0, { id: iso, kind: 'todo', title: iso, dueAt: iso });
    const groups = groupByDue([at('2026-03-10T08:00:00Z'), at('2026-03-10T20:00:00Z'), at('2026-03-10T23:30:00Z'), at('2026-03-14T09:00:00Z'), at('2026-05-01T09:00:00Z')], now, 'Europe/Berlin');
    expect(groups.map((g) => [g.key, g.tasks.length])).to.deep.equal([['overdue', 1], ['today', 1], ['tomorrow', 1], ['week', 1], ['later', 1]]);
  });

  describe('creating and completing tasks', () => {
    afterEach(resetViewport);

    const form = (list: CrmTaskList) => list.shadowRoot!.querySelector<HTMLFormElement>('[part="new-task"]');
    const formField = <T extends CrmTextField | CrmSelectField = CrmTextField>(list: CrmTaskList, name: string) => form(list)!.querySelector<T>(`[name="${name}"]`)!;
    const errorOf = (el: CrmTextField | CrmSelectField) => el.shadowRoot!.querySelector('[part="error-message"]')!.textContent ?? '';

    /** Types into a native control the way a browser's picker does: the value, then input and change. */
    async function pick(el: CrmTextField | CrmSelectField, value: string): Promise<void> {
      const native = el.shadowRoot!.querySelector<HTMLInputElement | HTMLSelectElement>('input, select')!;
      native.value = value;
      native.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      native.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      await el.updateComplete;
    }

    async function openForm(list: CrmTaskList): Promise<void> {
      list.shadowRoot!.querySelector<HTMLButtonElement>('[part="new-task-button"]')!.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => list.shadowRoot!.activeElement === formField(list, 'title'), 4000, 'focus on the title');
    }

    it('should create a task about a contact by keyboard, at 390 px, and complete it', async () => {
      await useViewport(phoneWidth);
      const contact = await api.client.contacts.create({ firstName: 'Linnea', lastName: 'Lindqvist' });
      const list = await mount(api.client, api.user);
      await openForm(list);
      await sendKeys({ type: 'Call Linnea about the offer' });
      await pick(formField<CrmSelectField>(list, 'kind'), 'call');
      formField(list, 'dueAt').focus();
      await sendKeys({ type: '05/06/2031' });
      await pick(formField(list, 'dueTime'), '09:30');
      await pick(formField<CrmSelectField>(list, 'subjectType'), 'contact');
      formField(list, 'subjectQuery').focus();
      await sendKeys({ type: 'Lindqvist' });
      await until(() => Boolean(form(list)!.querySelector<HTMLInputElement>(`input[type="radio"][value="${contact.id}"]`)?.checked), 8000, 'the contact found and chosen');
      expectFitsLayout(list);
      const created = oneEvent(list, 'crm-task-created');
      await sendKeys({ press: 'Enter' });
      const { detail } = await created;
      const stored = await api.client.tasks.get(detail.task.id);
      expect(stored.title).to.equal('Call Linnea about the offer');
      expect(stored.kind).to.equal('call');
      expect(stored.subject).to.deep.equal({ type: 'contact', id: contact.id });
      expect(stored.dueAt).to.equal('2031-05-06T09:30:00.000Z');
      expect(stored.assigneeId).to.equal(api.user.id);
      expect(form(list)).to.equal(null);
      // Focus lands on the new task's first action; Tab to Done and Enter completes it.
      const row = list.shadowRoot!.querySelector(`[data-task="${stored.id}"]`)!;
      expect(row.textContent).to.contain('May 6, 2031');
      const done = row.querySelector<HTMLButtonElement>('[data-to="done"]')!;
      await until(() => row.contains(list.shadowRoot!.activeElement), 4000, 'focus on the new task');
      done.focus();
      const moved = oneEvent(list, 'crm-task-transitioned');
      await sendKeys({ press: 'Enter' });
      expect((await moved).detail.to).to.equal('done');
      expect((await api.client.tasks.get(stored.id)).status).to.equal('done');
    });

    it('should mark a to-do done, not only calls', async () => {
      const todo = await api.client.tasks.create({ kind: 'todo', title: 'Renew the domain' });
      const list = await mount(api.client, api.user);
      const row = list.shadowRoot!.querySelector(`[data-task="${todo.id}"]`)!;
      const actions = [...row.querySelectorAll<HTMLButtonElement>('[part="transition-button"]')].map((b) => b.textContent!.trim());
      expect(actions).to.deep.equal(['Done']);
      const moved = oneEvent(list, 'crm-task-transitioned');
      row.querySelector<HTMLButtonElement>('[data-to="done"]')!.click();
      await moved;
      expect((await api.client.tasks.get(todo.id)).status).to.equal('done');
    });

    it('should show one message per invalid field and focus the first; Escape closes the form', async () => {
      const list = await mount(api.client, api.user);
      await openForm(list);
      await pick(formField<CrmSelectField>(list, 'subjectType'), 'customer');
      form(list)!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
      await until(() => errorOf(formField(list, 'title')) !== '', 4000, 'the title error');
      expect(errorOf(formField(list, 'title'))).to.equal('Please fill in Title.');
      expect(errorOf(formField(list, 'subjectQuery'))).to.equal('Choose one of the matching records.');
      expect(list.shadowRoot!.activeElement).to.equal(formField(list, 'title'));
      expect(form(list)!.querySelector('[role="status"]')!.textContent).to.equal('2 fields need attention.');
      await sendKeys({ press: 'Escape' });
      await until(() => form(list) === null, 4000, 'the form closed');
      expect(list.shadowRoot!.activeElement).to.equal(list.shadowRoot!.querySelector('[part="new-task-button"]'));
    });

    it('should speak German in the form and write due times the German way', async () => {
      const list = await mount(api.client, api.user);
      list.closest('crm-provider')!.setAttribute('locale', 'de');
      await until(() => list.shadowRoot!.querySelector('[part="new-task-button"]')!.textContent === 'Neue Aufgabe', 4000, 'German');
      const due = list.shadowRoot!.querySelector('[data-group="tomorrow"] time')!;
      expect(due.textContent).to.match(/^\d{2}\.\d{2}\.\d{4}, 12:00$/);
      await openForm(list);
      expect(formField(list, 'dueAt').label).to.equal('Fällig');
      expect(formField(list, 'dueAt').shadowRoot!.querySelector('input')!.placeholder).to.equal('31.12.2026');
      expect(formField(list, 'dueTime').hint).to.equal('In UTC; ohne Uhrzeit 09:00.');
    });

    for (const width of [phoneWidth, deskWidth]) {
      for (const theme of ['light', 'dark']) {
        it(`should fit ${width} px with 44 px targets and be axe-clean in the ${theme} theme, form open`, async () => {
          await useViewport(width);
          const list = await mount(api.client, api.user);
          list.closest('crm-provider')!.setAttribute('theme', theme);
          await openForm(list);
          await pick(formField<CrmSelectField>(list, 'subjectType'), 'contact');
          expectFitsLayout(list);
          await expectAccessible(list.closest('crm-provider')!);
        });
      }
    }
  });
});
