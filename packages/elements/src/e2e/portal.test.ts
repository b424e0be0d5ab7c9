// End to end against the real API that web-test-runner starts (scripts/e2e-api-plugin.mjs): a person
// edits a contact and moves a card with the keyboard, and the API's state afterwards is checked.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../contact-editor/contact-editor.js';
import '../pipeline-board/pipeline-board.js';
import '../provider/provider.js';
import type { Contact, Opportunity } from '../shared/api/types.js';
import { liveApi, until, type LiveApi } from '../test/live-api.js';

describe('end to end against the running API', () => {
  let api: LiveApi;
  before(async () => {
    api = await liveApi();
  });

  it('should edit a contact and leave the API holding the edit', async () => {
    const contact = await api.client.transport.post<Contact>('/v1/contacts', {
      firstName: 'Edsger',
      lastName: 'Dijkstra',
      emails: [{ label: 'work', value: 'edsger@example.com', primary: true }],
    });
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user}>
      <crm-contact-editor contact-id=${contact.id}></crm-contact-editor>
    </crm-provider>`);
    const editor = provider.querySelector('crm-contact-editor')!;
    await until(() => Boolean(editor.shadowRoot!.querySelector('form')), 8000, 'editor');
    editor.shadowRoot!.querySelector<HTMLElement>('[name="jobTitle"]')!.focus();
    await sendKeys({ type: 'Professor' });
    const saved = oneEvent(editor, 'crm-contact-saved');
    await sendKeys({ press: 'Enter' });
    expect((await saved).detail.created).to.equal(false);

    const stored = await api.client.transport.get<Contact>(`/v1/contacts/${contact.id}`);
    expect(stored.jobTitle).to.equal('Professor');
    expect(stored.emails[0]!.value).to.equal('edsger@example.com');
    expect(stored.version).to.equal(contact.version + 1);
  });

  it('should move a card on the board by keyboard and leave the API holding the move', async () => {
    const pipelines = await api.client.transport.get<{ data: Array<{ id: string; stages: Array<{ key: string; kind: string }> }> }>('/v1/pipelines');
    const pipeline = pipelines.data[0]!;
    const [first, second] = pipeline.stages.filter((s) => s.kind === 'open');
    const card = await api.client.transport.post<Opportunity>('/v1/opportunities', { name: 'Acme - Licences', amount: 5000, currency: 'EUR', pipelineId: pipeline.id, stage: first!.key });
    const provider = await fixture(html`<crm-provider .client=${api.client} .user=${api.user}>
      <crm-pipeline-board pipeline-id=${pipeline.id}></crm-pipeline-board>
    </crm-provider>`);
    const board = provider.querySelector('crm-pipeline-board')!;
    await until(() => Boolean(board.shadowRoot!.querySelector(`[data-id="${card.id}"]`)), 8000, 'card on the board');
    board.shadowRoot!.querySelector<HTMLElement>(`[data-id="${card.id}"]`)!.focus();
    await sendKeys({ press: ' ' });
    await sendKeys({ press: 'ArrowRight' });
    const moved = oneEvent(board, 'crm-card-moved');
    await sendKeys({ press: ' ' });
    expect((await moved).detail.toStage).to.equal(second!.key);

    const stored = await api.client.transport.get<Opportunity>(`/v1/opportunities/${card.id}`);
    expect(stored.stage).to.equal(second!.key);
    expect(stored.version).to.be.greaterThan(card.version);
  });
});
