// Its own module so that the catcher's server and its pages both depend on it, not on each other.
/** One email as the catcher keeps it: envelope, the headers people read, both bodies and the raw source. */
export interface CaughtMessage {
  id: number;
  receivedAt: string;
  envelope: { from: string; to: string[] };
  from: string;
  to: string;
  cc: string;
  subject: string;
  date: string | null;
  messageId: string | null;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  attachments: { filename: string | null; contentType: string; size: number }[];
  size: number;
  raw: string;
}
