import type { RouteSpec } from '../../platform/http/route.js';
import { recordRoutes } from '../../platform/records/record-routes.js';
import { contactSchema, createContactBody, updateContactBody } from './contact.schema.js';
import type { ContactsService } from './contacts.service.js';

/** The contact routes: the standard record set. */
export function contactRoutes(service: ContactsService): RouteSpec[] {
  return recordRoutes({ service, path: '/contacts', tag: 'Contacts', singular: 'contact', plural: 'contacts', dto: contactSchema, create: createContactBody, update: updateContactBody });
}
