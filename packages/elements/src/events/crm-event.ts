/**
 * Base of every event the elements fire: it always bubbles and crosses shadow roots, so a host
 * can listen once on any ancestor. Subclasses fix the name and the `detail` type.
 */
export abstract class CrmEvent<D> extends CustomEvent<D> {
  protected constructor(type: string, detail: D, options: { cancelable?: boolean } = {}) {
    super(type, { bubbles: true, composed: true, cancelable: options.cancelable ?? false, detail });
  }
}
