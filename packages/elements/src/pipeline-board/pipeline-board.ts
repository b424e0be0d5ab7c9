import { CrmPipelineBoard } from './pipeline-board.component.js';

export { CrmPipelineBoard } from './pipeline-board.component.js';

CrmPipelineBoard.define('crm-pipeline-board');

declare global {
  interface HTMLElementTagNameMap {
    'crm-pipeline-board': CrmPipelineBoard;
  }
}
