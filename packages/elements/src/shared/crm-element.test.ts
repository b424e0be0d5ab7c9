import { expect, fixture, html } from '@open-wc/testing';
import { CrmEvent } from '../events/crm-event.js';
import { CrmElement } from './crm-element.js';

class CrmThingPinged extends CrmEvent<{ count: number }> {
  constructor(count: number, cancelable = false) {
    super('crm-thing-pinged', { count }, { cancelable });
  }
}

class CrmEmitter extends CrmElement {
  ping(count: number, cancelable = false): CrmThingPinged {
    return this.emit(new CrmThingPinged(count, cancelable));
  }
}

describe('CrmElement', () => {
  it('should define a tag once and ignore later definitions of the same tag', () => {
    CrmEmitter.define('crm-test-emitter');
    class Other extends CrmElement {}
    expect(() => CrmEmitter.define('crm-test-emitter')).not.to.throw();
    expect(() => Other.define('crm-test-emitter')).not.to.throw();
    expect(customElements.get('crm-test-emitter')).to.equal(CrmEmitter);
  });

  it('should let one class back a second tag through a subclass', () => {
    CrmEmitter.define('crm-test-emitter');
    CrmEmitter.define('crm-test-emitter-alias');
    const alias = customElements.get('crm-test-emitter-alias')!;
    expect(alias).not.to.equal(CrmEmitter);
    expect(alias.prototype).to.be.instanceOf(CrmEmitter);
  });

  it('should emit bubbling, composed events across shadow roots and return them', async () => {
    CrmEmitter.define('crm-test-emitter');
    const outer = await fixture<HTMLDivElement>(html`<div></div>`);
    const shadowHost = document.createElement('div');
    outer.append(shadowHost);
    const emitter = document.createElement('crm-test-emitter') as CrmEmitter;
    shadowHost.attachShadow({ mode: 'open' }).append(emitter);

    let received: Event | undefined;
    outer.addEventListener('crm-thing-pinged', (event) => (received = event));
    const event = emitter.ping(3);
    expect(received).to.equal(event);
    expect(event.detail.count).to.equal(3);
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('should report a veto of a cancelable event', async () => {
    CrmEmitter.define('crm-test-emitter');
    const emitter = await fixture<CrmEmitter>(html`<crm-test-emitter></crm-test-emitter>`);
    emitter.addEventListener('crm-thing-pinged', (event) => event.preventDefault());
    expect(emitter.ping(1, true).defaultPrevented).to.equal(true);
    expect(emitter.ping(1, false).defaultPrevented).to.equal(false);
  });
});
