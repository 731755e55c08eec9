/**
 * The dashboard's theme. Mantine's default palette puts text in shade 6, which fails WCAG AA
 * contrast (4.5:1) for most colours on white (green 2.36:1, blue 3.56:1, grey 3.32:1). Here,
 * once for every component: filled controls use shade 8, coloured text (light, outline,
 * subtle variants) uses shade 9, green, orange and teal get darker top shades, and dimmed text is a
 * darker grey. The e2e tests run axe-core on every screen to keep it so.
 */
import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  defaultVariantColorsResolver,
  type MantineColorsTuple,
  Notification,
  type VariantColorsResolver,
} from '@mantine/core';

function darkerTop(tuple: MantineColorsTuple, shade8: string, shade9: string): MantineColorsTuple {
  return [...tuple.slice(0, 8), shade8, shade9] as unknown as MantineColorsTuple;
}

const textVariants = new Set(['light', 'outline', 'subtle', 'transparent']);

const variantColorResolver: VariantColorsResolver = (input) => {
  const resolved = defaultVariantColorsResolver(input);
  const color = input.color ?? input.theme.primaryColor;
  if (!textVariants.has(input.variant) || !(color in input.theme.colors)) return resolved;
  return { ...resolved, color: `var(--mantine-color-${color}-9)`, hoverColor: `var(--mantine-color-${color}-9)` };
};

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5f6670' },
  dark: {},
});

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  colors: {
    green: darkerTop(DEFAULT_THEME.colors.green, '#2b7a3b', '#237032'),
    orange: darkerTop(DEFAULT_THEME.colors.orange, '#b35000', '#a34700'),
    teal: darkerTop(DEFAULT_THEME.colors.teal, '#087f5b', '#066649'),
  },
  variantColorResolver,
  components: {
    // Toasts: their text in the readable dimmed grey (Mantine's is 3.32:1), a named close button.
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } },
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    }),
  },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  // Keyboard users always see where they are.
  focusRing: 'always',
});
