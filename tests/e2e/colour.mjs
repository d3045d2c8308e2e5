// WCAG colour maths in the page: `window.kefuColour` with the relative luminance of a CSS colour,
// the first opaque background behind an element, and the contrast ratio of two luminances.

/** Defines `window.kefuColour` (runs in the page). */
export function defineColour() {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = (css) => {
    const c = rgb(css).slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const css = getComputedStyle(e).backgroundColor;
      const c = rgb(css);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return css;
    }
    return null;
  };
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  window.kefuColour = { lum, background, ratio };
}

/** `window.kefuColour` in every document the page opens from now on. */
export function installColour(page) {
  return page.addInitScript(defineColour);
}

/** WCAG contrast of an element's text against the first opaque background behind it (white
 *  if none). */
export async function contrast(locator) {
  await locator.page().evaluate(defineColour);
  return locator.evaluate((el) => {
    const { lum, background, ratio } = window.kefuColour;
    return ratio(lum(getComputedStyle(el).color), lum(background(el) || 'rgb(255, 255, 255)'));
  });
}
