import { CrmLeadRequestBoard } from './lead-request-board.component.js';

export { CrmLeadRequestBoard } from './lead-request-board.component.js';

CrmLeadRequestBoard.define('crm-lead-request-board');

declare global {
  interface HTMLElementTagNameMap {
    'crm-lead-request-board': CrmLeadRequestBoard;
  }
}
