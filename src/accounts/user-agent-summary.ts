/** A User-Agent string as a person reads it: the browser and the operating system ("Firefox on Windows"). Pure. */

export interface UserAgentSummary {
  browser?: string;
  os?: string;
}

// Order matters: Edge and Opera also say Chrome; Chrome also says Safari; Android also says Linux.
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\/\d/, 'Edge'],
  [/\bOPR\/\d|\bOpera\b/, 'Opera'],
  [/\bFirefox\/\d|\bFxiOS\/\d/, 'Firefox'],
  [/\bHeadlessChrome\/\d/, 'Headless Chrome'],
  [/\bChromium\/\d/, 'Chromium'],
  [/\bChrome\/\d|\bCriOS\/\d/, 'Chrome'],
  [/\bVersion\/\d+[\d.]* (Mobile\/\w+ )?Safari\/\d/, 'Safari'],
  [/\bcurl\/\d/, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bWindows NT\b/, 'Windows'],
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

export function summarizeUserAgent(ua: string | undefined): UserAgentSummary {
  if (!ua) return {};
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const os = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return { ...(browser ? { browser } : {}), ...(os ? { os } : {}) };
}
