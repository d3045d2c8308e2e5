// vuvuzela's browser build (a classic script) set window.vuvuzela.
export default globalThis.vuvuzela;
export const { stringify, parse } = globalThis.vuvuzela;
