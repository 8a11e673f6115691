/**
 * xterm.js writes its theme and cell metrics into <style> elements, which the page's CSP (style-src 'self', no
 * 'unsafe-inline') refuses. This shim hands xterm an inert stand-in element instead and mirrors its text into a
 * constructed stylesheet (document.adoptedStyleSheets), which the CSP allows; xterm's few `setAttribute('style')`
 * calls on its row cells become CSSOM writes. Nothing else of the page creates <style> elements (the CSP would
 * refuse them anyway), so the page is unaffected.
 */

const STAND_IN = 'wb-xterm-style';
const mirrored = new Map<Element, CSSStyleSheet>();
let installed = false;

/** Installs the shim once, before the first terminal opens. */
export function installCspSafeStyles(doc: Document = document): void {
  if (installed) return;
  installed = true;
  const create = doc.createElement.bind(doc) as (tag: string, options?: ElementCreationOptions) => HTMLElement;
  doc.createElement = ((tag: string, options?: ElementCreationOptions) => {
    if (tag.toLowerCase() !== 'style') return create(tag, options);
    const el = create(STAND_IN);
    el.hidden = true;
    mirror(doc, el);
    return el;
  }) as Document['createElement'];

  // xterm builds its row cells detached and colours true-colour ones with a `style` attribute: use the CSSOM
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string): void {
    if (name === 'style' && this instanceof HTMLSpanElement && !this.isConnected) {
      this.style.cssText = value;
      return;
    }
    setAttribute.call(this, name, value);
  };
}

/** Keeps a constructed stylesheet in step with a stand-in element's text. */
function mirror(doc: Document, el: HTMLElement): void {
  const sheet = new CSSStyleSheet();
  mirrored.set(el, sheet);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  const sync = (): void => {
    try {
      sheet.replaceSync(el.textContent ?? '');
    } catch {
      // a rule the browser does not parse: keep the previous ones
    }
  };
  new MutationObserver(sync).observe(el, { childList: true, characterData: true, subtree: true });
  sync();
}

/** Drops the stylesheets of terminals that were disposed (their stand-ins left the page). */
export function pruneDetachedStyles(doc: Document = document): void {
  const gone = [...mirrored].filter(([el]) => !el.isConnected);
  if (gone.length === 0) return;
  const drop = new Set(gone.map(([, s]) => s));
  for (const [el] of gone) mirrored.delete(el);
  doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !drop.has(s));
}
