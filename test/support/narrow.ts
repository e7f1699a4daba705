/** Whether a page fits a phone: the elements that reach past the viewport's right edge, named for the failure message. */
import type { Page } from 'playwright-core';

export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // Inside a horizontal scroll container an element may be wider: the container scrolls, the page does not.
    const scrolled = (e: Element) => {
      for (let p = e.parentElement; p; p = p.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
      return false;
    };
    return Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !scrolled(e))
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/ /g, '.')}` : ''} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
  });
}
