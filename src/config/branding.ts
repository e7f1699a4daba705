/**
 * The look of the pages from config/branding.json: product name, logo, primary colour and footer links. The colour
 * must keep white button text readable (WCAG AA), so a bad choice stops start-up rather than shipping unreadable pages.
 */
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { url } from './env.js';
import { readJsonFile, shown } from './files.js';
import { parseWith } from './issues.js';
import { localizedText, type LocalizedText } from './localized-text.js';
import { SettingsError } from './settings-error.js';

/** WCAG 2.x contrast ratio of a #rrggbb colour against white. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}

const LOGO_TYPES = { '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' } as const;

const brandingSchema = z
  .object({
    productName: localizedText(60).default('Sign-in'),
    logo: z
      .string()
      .regex(/^[\w./-]+\.(png|svg|jpe?g|webp)$/i, 'a .png, .svg, .jpg or .webp file in the config directory')
      .refine((v) => !v.split('/').includes('..'), 'inside the config directory')
      .optional(),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
      .superRefine((c, ctx) => {
        const ratio = contrastWithWhite(c);
        if (ratio < 4.5) ctx.addIssue({ code: 'custom', message: `white text on ${c} has contrast ${ratio.toFixed(2)}:1; WCAG AA needs 4.5:1` });
      })
      .default('#1f5fbf'),
    footerLinks: z
      .array(z.object({ label: localizedText(40), href: url(['http:', 'https:']) }).strict())
      .max(6)
      .default([]),
  })
  .strict();

export interface Branding {
  productName: LocalizedText;
  logo: { file: string; contentType: string } | undefined;
  primaryColor: string;
  footerLinks: { label: LocalizedText; href: string }[];
}

/** The branding of `configDir`/branding.json (the defaults when absent); a logo must exist beside it. */
export function readBranding(configDir: string): Branding {
  const brandingFile = join(configDir, 'branding.json');
  const brandingConfig = parseWith(brandingSchema, existsSync(brandingFile) ? readJsonFile(brandingFile, 'config') : {}, shown(brandingFile));
  let logo: Branding['logo'];
  if (brandingConfig.logo) {
    const file = join(configDir, brandingConfig.logo);
    if (!existsSync(file)) throw new SettingsError(`${shown(brandingFile)} logo: ${shown(file)} does not exist`);
    const ext = extname(file).toLowerCase() as keyof typeof LOGO_TYPES;
    logo = { file, contentType: LOGO_TYPES[ext] };
  }
  return { ...brandingConfig, logo };
}
