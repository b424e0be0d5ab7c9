import type { Connection } from 'mongoose';
import type { RouteSpec } from '../../platform/http/route.js';
import type { RecordDeps } from '../../platform/records/record-service.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import { customFieldRoutes } from '../custom-fields/custom-fields.routes.js';
import { createCustomFieldsAdmin } from '../custom-fields/custom-fields.service.js';
import { leadRoutes } from '../leads/leads.routes.js';
import { createLeadsService, type LeadsService, type OpportunityFromLead } from '../leads/leads.service.js';
import { productRoutes } from '../products/products.routes.js';
import { createProductsService, type ProductsService } from '../products/products.service.js';
import { segmentRoutes } from '../segments/segments.routes.js';
import { createSegmentsService, type SegmentsService } from '../segments/segments.service.js';
import { workflowRoutes } from '../workflows/workflows.routes.js';
import { createWorkflowsService } from '../workflows/workflows.service.js';
import { customerRoutes } from './customers.routes.js';
import { createCustomersService, type CustomersService } from './customers.service.js';

/**
 * Customers, leads, products, workflow and custom-field administration, and segments, wired together
 * (leads convert into customers and contacts; segments evaluate over contacts and customers).
 */
export function crmRecordRoutes(options: { connection: Connection; recordDeps: RecordDeps; contacts: ContactsService; opportunityFromLead: OpportunityFromLead | null }): { routes: RouteSpec[]; segments: SegmentsService; customers: CustomersService; leads: LeadsService; products: ProductsService } {
  const { connection, recordDeps, contacts } = options;
  const customers = createCustomersService(connection, { ...recordDeps, contacts });
  const leads = createLeadsService(connection, { ...recordDeps, customers, contacts: contacts as never, opportunityFromLead: options.opportunityFromLead });
  const products = createProductsService(connection, recordDeps);
  const segments = createSegmentsService(connection, { events: recordDeps.events, customFields: recordDeps.customFields, audiences: { contact: contacts as never, customer: customers as never } });
  const routes = [
    ...customerRoutes(customers),
    ...leadRoutes(leads),
    ...productRoutes(products),
    ...workflowRoutes(createWorkflowsService(connection, recordDeps)),
    ...customFieldRoutes(createCustomFieldsAdmin(connection, recordDeps)),
    ...segmentRoutes(segments),
  ];
  return { routes, segments, customers, leads, products };
}
