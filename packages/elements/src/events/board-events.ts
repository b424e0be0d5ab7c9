import type { Campaign, Opportunity, Task } from '../shared/api/types.js';
import { CrmEvent } from './crm-event.js';

/** What a card move is about. */
export interface CrmCardMoveDetail {
  opportunity: Opportunity;
  fromStage: string;
  toStage: string;
  position: number;
}

/** Fired after the API accepted a card move; `detail.opportunity` is the moved record. */
export class CrmCardMovedEvent extends CrmEvent<CrmCardMoveDetail> {
  static readonly eventName = 'crm-card-moved';
  constructor(detail: CrmCardMoveDetail) {
    super(CrmCardMovedEvent.eventName, detail);
  }
}

/** Fired when the API refused a move and the card went back; `detail.reason` is the API's problem code. */
export class CrmCardRevertedEvent extends CrmEvent<CrmCardMoveDetail & { reason: string }> {
  static readonly eventName = 'crm-card-reverted';
  constructor(detail: CrmCardMoveDetail & { reason: string }) {
    super(CrmCardRevertedEvent.eventName, detail);
  }
}

/** Fired after the creator saved a campaign; `detail.activated` is true when it was also activated. */
export class CrmCampaignSavedEvent extends CrmEvent<{ campaign: Campaign; activated: boolean }> {
  static readonly eventName = 'crm-campaign-saved';
  constructor(detail: { campaign: Campaign; activated: boolean }) {
    super(CrmCampaignSavedEvent.eventName, detail);
  }
}

/** Fired after a task moved to another status. */
export class CrmTaskTransitionedEvent extends CrmEvent<{ task: Task; from: string; to: string }> {
  static readonly eventName = 'crm-task-transitioned';
  constructor(detail: { task: Task; from: string; to: string }) {
    super(CrmTaskTransitionedEvent.eventName, detail);
  }
}

/** Fired after `<crm-task-list>` created a task from its form; `detail.task` is the API's record. */
export class CrmTaskCreatedEvent extends CrmEvent<{ task: Task }> {
  static readonly eventName = 'crm-task-created';
  constructor(detail: { task: Task }) {
    super(CrmTaskCreatedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-task-created': CrmTaskCreatedEvent;
    'crm-card-moved': CrmCardMovedEvent;
    'crm-card-reverted': CrmCardRevertedEvent;
    'crm-campaign-saved': CrmCampaignSavedEvent;
    'crm-task-transitioned': CrmTaskTransitionedEvent;
  }
}
