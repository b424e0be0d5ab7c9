// The first day in the portal (see first-day.ts): the phone part, in a file of its own.
import { describeFirstDay } from './first-day.js';

describeFirstDay('phone');
