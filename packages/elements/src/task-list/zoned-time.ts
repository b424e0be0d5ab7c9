// Wall-clock times of a `datetime-local` input, read in a given IANA time zone (the provider's), or
// the browser's when none is given.

function parts(date: Date, timeZone: string): Record<string, number> {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return Object.fromEntries(format.formatToParts(date).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

/** How far `timeZone` is ahead of UTC at `date`, in milliseconds. */
function offset(date: Date, timeZone: string): number {
  const p = parts(date, timeZone);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(date.getTime() / 1000) * 1000;
}

/** The instant a `YYYY-MM-DDTHH:mm` wall time means in `timeZone`; undefined when the value is not such a time. */
export function zonedToInstant(value: string, timeZone?: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (!timeZone) {
    const local = new Date(year, month - 1, day, hour, minute);
    return Number.isNaN(local.getTime()) ? undefined : local;
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset around a daylight-saving change.
  let instant = wall - offset(new Date(wall), timeZone);
  instant = wall - offset(new Date(instant), timeZone);
  return new Date(instant);
}

/** `date` as the `YYYY-MM-DDTHH:mm` a `datetime-local` input shows, in `timeZone`. */
export function localInputValue(date: Date, timeZone?: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (!timeZone) return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const p = parts(date, timeZone);
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)}T${pad(p.hour!)}:${pad(p.minute!)}`;
}
