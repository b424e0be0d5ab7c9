// The first day in the portal (see first-day.ts): the desk-pages part, in a file of its own.
import { describeFirstDay } from './first-day.js';

describeFirstDay('desk-pages');
