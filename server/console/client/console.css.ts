/** Styles of the consultant console (served as /console/console.css). */
export const CONSOLE_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; background: #f4f6f8; }
button, select, input, textarea { font: inherit; }
button { cursor: pointer; background: #0b5394; color: #fff; border: 0; border-radius: 6px; padding: 6px 12px; }
button.secondary { background: #fff; color: #0b5394; border: 1px solid #0b5394; }
button:focus-visible, select:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.top { display: flex; gap: 16px; align-items: center; background: #0b5394; color: #fff; padding: 10px 16px; flex-wrap: wrap; }
.top h1 { font-size: 18px; margin: 0; flex: 1; }
.top .logout button { background: #fff; color: #0b5394; }
.layout { display: grid; grid-template-columns: 340px 1fr; gap: 16px; padding: 16px; }
nav h2 { font-size: 15px; margin: 12px 0 6px; }
.tickets { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.ticket { background: #fff; border: 1px solid #d5dbe1; border-left: 5px solid #8a96a3; border-radius: 6px; padding: 8px; }
.ticket.warn { border-left-color: #e6a700; }
.ticket.alert { border-left-color: #d93025; background: #fff5f5; }
.ticket.specialty .fields { font-weight: 600; }
.ticket p { margin: 0 0 4px; }
.meta { font-size: 13px; color: #4a5560; }
main { background: #fff; border: 1px solid #d5dbe1; border-radius: 8px; padding: 16px; min-height: 70vh; }
.transcript { display: flex; flex-direction: column; gap: 8px; max-height: 50vh; overflow-y: auto; padding: 8px; background: #f4f6f8; border-radius: 6px; }
.msg { max-width: 80%; padding: 6px 10px; border-radius: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.citizen { align-self: flex-start; background: #fff; border: 1px solid #d5dbe1; }
.msg.bot { align-self: flex-start; background: #eef3f8; font-size: 14px; }
.msg.consultant { align-self: flex-end; background: #0b5394; color: #fff; }
.msg.consultant .meta { color: #dce8f5; }
.msg.system { align-self: center; background: #fff8e1; font-size: 13px; }
.row { display: flex; gap: 8px; align-items: flex-start; margin-top: 10px; flex-wrap: wrap; }
textarea { width: 100%; min-height: 70px; padding: 8px; border: 1px solid #8a96a3; border-radius: 6px; }
.panel { margin-top: 14px; border-top: 1px solid #d5dbe1; padding-top: 10px; }
.panel h3 { font-size: 14px; margin: 0 0 6px; }
.notes li { background: #fffbe6; border: 1px dashed #e6c65c; padding: 4px 8px; margin-bottom: 4px; list-style: none; }
.empty { color: #4a5560; }
.error { color: #b00020; font-weight: 600; }
`;
