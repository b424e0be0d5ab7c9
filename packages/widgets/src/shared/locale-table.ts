/** A message: plain text, or one text per plural category of its `{n}` (`other` always present). */
export type Message = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);

/** A locale's messages for every widget, keyed `<widget>.<key>` (`src/locales/<locale>.ts`). */
export type LocaleTable = Record<string, Message>;
