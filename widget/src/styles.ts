/** Styles live inside the Shadow DOM: the host page cannot restyle the widget, nor the widget the page. */
export function styles(accent: string, position: 'left' | 'right'): string {
  const side = position === 'left' ? 'left' : 'right';
  return `
:host { all: initial; }
* { box-sizing: border-box; }
.root { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; }
button { font: inherit; cursor: pointer; }
button:focus-visible, textarea:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.launcher { position: fixed; ${side}: 20px; bottom: 20px; z-index: 2147483000; background: ${accent}; color: #fff;
  border: 0; border-radius: 28px; padding: 12px 20px; box-shadow: 0 4px 14px rgba(0,0,0,.25); font-weight: 600; }
.launcher[aria-expanded="true"] { display: none; }
.panel { position: fixed; ${side}: 20px; bottom: 20px; z-index: 2147483001; width: 390px; height: min(640px, calc(100vh - 40px));
  background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); display: flex; flex-direction: column; overflow: hidden; }
.panel[hidden] { display: none; }
@media (max-width: 600px) {
  .panel { left: 0; right: 0; top: 0; bottom: 0; width: 100%; height: 100%; border-radius: 0; }
}
.header { background: ${accent}; color: #fff; padding: 10px 12px; display: flex; align-items: center; gap: 8px; }
.header h2 { font-size: 16px; margin: 0; flex: 1; font-weight: 600; }
.status { font-size: 13px; opacity: .95; display: block; font-weight: 400; }
.icon-btn { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 6px; padding: 4px 8px; font-size: 13px; }
.log { flex: 1; overflow-y: auto; padding: 12px; background: #f4f6f8; display: flex; flex-direction: column; gap: 10px; }
.msg { max-width: 88%; padding: 8px 12px; border-radius: 10px; white-space: pre-wrap; word-wrap: break-word; overflow-wrap: anywhere; }
.msg.citizen { align-self: flex-end; background: ${accent}; color: #fff; border-bottom-right-radius: 2px; }
.msg.bot, .msg.consultant { align-self: flex-start; background: #fff; border: 1px solid #d5dbe1; border-bottom-left-radius: 2px; }
.msg.system { align-self: center; background: #fff8e1; border: 1px solid #e6c65c; font-size: 14px; }
.msg.pending { opacity: .75; }
.msg .meta { display: block; font-size: 12px; margin-top: 4px; opacity: .85; }
.msg.failed { background: #fdecea; color: #7a1c1c; border: 1px solid #d93025; }
.answer-title { font-weight: 700; margin: 0 0 6px; }
.answer-text p { margin: 0 0 8px; }
.basis { margin: 8px 0 0; padding: 8px; background: #eef3f8; border-radius: 6px; font-size: 14px; }
.basis h3, .related h3 { font-size: 13px; margin: 0 0 4px; text-transform: uppercase; letter-spacing: .02em; color: #3b4a5a; }
.basis ul { margin: 0; padding-left: 18px; }
.basis .note { display: block; color: #8a4b00; font-size: 13px; }
.reviewed, .disclaimer { font-size: 12.5px; color: #4a5560; margin: 6px 0 0; }
.choices, .related-list, .rating { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.choice { background: #fff; color: ${accent}; border: 1px solid ${accent}; border-radius: 16px; padding: 5px 12px; text-align: left; }
.choice[disabled] { opacity: .55; cursor: default; }
.choice[aria-pressed="true"] { background: ${accent}; color: #fff; opacity: 1; }
.composer { border-top: 1px solid #d5dbe1; padding: 8px; display: flex; gap: 8px; align-items: flex-end; background: #fff; }
.composer textarea { flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 8px; border: 1px solid #8a96a3; border-radius: 8px; font: inherit; color: #1a1a1a; }
.send { background: ${accent}; color: #fff; border: 0; border-radius: 8px; padding: 9px 14px; font-weight: 600; }
.send[disabled] { opacity: .6; cursor: default; }
.counter { font-size: 12px; color: #4a5560; padding: 0 10px 6px; background: #fff; text-align: right; }
.counter.over { color: #b00020; font-weight: 600; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0,0,0,0); border: 0; }
.welcome { color: #3b4a5a; font-size: 14px; align-self: center; text-align: center; max-width: 95%; }
.contact { display: flex; flex-direction: column; gap: 4px; max-width: 100%; width: 100%; text-align: left; }
.contact input[type=text], .contact input[type=tel], .contact input[type=email] { font: inherit; padding: 6px; border: 1px solid #8a96a3; border-radius: 6px; }
.contact .consent { font-size: 13.5px; }
.form-error { color: #b00020; margin: 0; min-height: 0; }
.queuebar { background: #fff8e1; border-top: 1px solid #e6c65c; padding: 6px 12px; font-size: 14px; display: flex; gap: 8px; align-items: center; justify-content: space-between; }
.queuebar[hidden] { display: none; }
.askbar { background: #fff; padding: 4px 12px 0; display: flex; justify-content: space-between; gap: 8px; }
.send.danger { background: #b00020; }
.confirm p { margin: 0; }
.link { background: none; border: 0; color: ${accent}; text-decoration: underline; padding: 2px 0; font-size: 14px; }
.typing { font-size: 13px; color: #4a5560; padding: 0 12px 4px; background: #f4f6f8; min-height: 0; }
`;
}

/**
 * Gives the shadow root its stylesheet as a constructed stylesheet (`adoptedStyleSheets`): CSP's
 * `style-src` does not govern those, so a host page with a strict policy needs no
 * 'unsafe-inline' for the widget. Browsers without them (Safari before 16.4) get a `<style>`
 * element carrying the widget script's nonce, which a nonce-based host policy allows.
 */
export function adoptStyles(shadow: ShadowRoot, css: string, nonce?: string): void {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // An engine that exposes the API but refuses it: fall back to a <style> element.
    }
  }
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  shadow.append(style);
}
