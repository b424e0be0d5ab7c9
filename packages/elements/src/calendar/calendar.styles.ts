import { css } from 'lit';

export const calendarStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    font-family: var(--crm-sys-font, system-ui, sans-serif);
    color: var(--crm-sys-color-on-surface, #1b1b1f);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    margin-block-end: 0.75rem;
  }
  .nav,
  .views {
    display: flex;
    gap: 0.25rem;
  }
  .title {
    flex: 1 1 12rem;
    margin: 0;
    font-size: 1.15rem;
  }
  .nav button {
    min-width: 44px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .views button[aria-pressed='true'] {
    background: var(--crm-sys-color-primary, #3f51b5);
    color: var(--crm-sys-color-on-primary, #fff);
  }
  .grid {
    display: grid;
    border: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
    border-radius: var(--crm-sys-radius, 8px);
  }
  .weekdays,
  .week-row {
    display: grid;
    grid-template-columns: repeat(7, minmax(0, 1fr));
  }
  .weekdays div {
    padding: 0.25rem;
    text-align: center;
    font-size: 0.85rem;
    color: var(--crm-sys-color-on-surface-variant, #44474f);
  }
  abbr {
    text-decoration: none;
  }
  .day {
    min-width: 0;
    min-height: 6rem;
    padding: 0.2rem;
    border-top: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
    border-inline-start: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
  }
  .grid.week .day {
    min-height: 14rem;
  }
  .day.today {
    background: var(--crm-calendar-today, var(--crm-sys-color-surface-container, #eef0f8));
  }
  .day.outside .day-head {
    color: var(--crm-sys-color-on-surface-variant, #44474f);
  }
  .day-head {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 44px;
    min-height: 44px;
    border: 0;
    border-radius: 999px;
    background: transparent;
    color: inherit;
    font: inherit;
    cursor: pointer;
    font-weight: 600;
  }
  .day-head:focus-visible {
    outline: 3px solid var(--crm-sys-color-primary, #3f51b5);
    outline-offset: -3px;
  }
  .items {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.2rem;
  }
  .items li {
    min-width: 0;
  }
  .occurrence {
    display: flex;
    gap: 0.35rem;
    width: 100%;
    min-height: 44px;
    min-width: 44px;
    padding: 0.2rem 0.35rem;
    text-align: start;
    border: 0;
    border-radius: calc(var(--crm-sys-radius, 8px) / 2);
    background: var(--crm-calendar-occurrence, var(--crm-sys-color-primary-container, #dde1ff));
    color: var(--crm-sys-color-on-primary-container, #00105c);
    font: inherit;
    font-size: 0.85rem;
    cursor: pointer;
    overflow: hidden;
  }
  .occurrence.task {
    background: var(--crm-calendar-task, var(--crm-sys-color-tertiary-container, #ffd8e4));
    color: var(--crm-sys-color-on-tertiary-container, #31111d);
  }
  .occurrence .label {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .time {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .more {
    font-size: 0.8rem;
  }
  .agenda section {
    margin-block-end: 0.75rem;
  }
  .agenda h3 {
    font-size: 1rem;
    margin: 0.5rem 0 0.25rem;
  }
  /* A phone: the week becomes a list of days, the month shows each day's count (Enter or a tap opens the day). */
  @container (max-width: 640px) {
    .grid.week .weekdays {
      display: none;
    }
    .grid.week .week-row {
      grid-template-columns: minmax(0, 1fr);
    }
    .grid.week .day {
      min-height: 0;
      display: grid;
      grid-template-columns: 44px minmax(0, 1fr);
      gap: 0.25rem;
    }
    .grid.month .day {
      min-height: 3.5rem;
      padding: 0;
    }
    .grid.month .items,
    .grid.month .more {
      display: none;
    }
    .grid.month .day:has(.items) .day-head {
      text-decoration: underline;
      text-decoration-thickness: 3px;
      text-decoration-color: var(--crm-sys-color-primary, #3f51b5);
    }
    .day-head {
      min-width: 0;
      width: 100%;
    }
  }
`;
