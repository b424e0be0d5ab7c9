import type { Transport } from './transport.js';

/** The base of every resource class (`crm.contacts`, `crm.public`...): it holds the client's transport. */
export abstract class APIResource {
  /** The transport that sends this resource's requests. */
  protected readonly _transport: Transport;

  constructor(transport: Transport) {
    this._transport = transport;
  }
}
