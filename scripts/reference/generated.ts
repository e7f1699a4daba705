/** The note at the head of each generated reference: where it comes from and how to regenerate it. */
export const REGENERATE = 'npm run docs:reference';

export const GENERATED = (sources: string) =>
  `<!-- Generated from ${sources} by \`${REGENERATE}\`: edit those, not this file (a test fails when they differ). -->`;
