// Asks buuv_app/radix_css_trim.js which Radix selectors it keeps for a page set that uses a few
// components and no per-breakpoint props. Prints JSON for tests/unit/test_first_paint.py.
import { pathToFileURL } from "node:url";

const [pluginPath] = process.argv.slice(2);
const { usage, selectorNeeded } = await import(pathToFileURL(pluginPath).href);

const used = usage(`
  import {Button as RadixThemesButton, Text as RadixThemesText, Theme as RadixThemesTheme} from "@radix-ui/themes"
  jsx(RadixThemesText, {size: "3", display: {"@media screen and (min-width: 30em)": "inline"}})
`);
const selectors = {
  button: ".rt-Button:where(.rt-r-size-2)",
  base_button: ".rt-BaseButton.rt-variant-soft",
  text: ".rt-Text:where(.rt-r-size-3)",
  utility: ".rt-r-display-none",
  own_class: ".text-size-toggle",
  text_field: ".rt-TextFieldRoot",
  text_at_breakpoint: ".rt-Text:where(.md\\:rt-r-size-3)",
  utility_at_breakpoint: ".md\\:rt-r-display-none",
  select: ".rt-SelectTrigger",
  menu: ".rt-BaseMenuContent",
  theme_panel: ".rt-ThemePanelSwatch",
  either_field_or_button: ":where(.rt-TextFieldRoot, .rt-Button) .rt-r-size-1",
  not_a_select: ".rt-Button:not(.rt-SelectTrigger)",
};
const kept = Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, selectorNeeded(selector, used)]));
const withBreakpoint = usage(`jsx(RadixThemesTheme); jsx(RadixThemesText, {size: ({ ["initial"] : "2", ["md"] : "3" })})`);
kept.text_at_used_breakpoint = selectorNeeded(".rt-Text:where(.md\\:rt-r-size-3)", withBreakpoint);
kept.text_at_other_breakpoint = selectorNeeded(".rt-Text:where(.lg\\:rt-r-size-3)", withBreakpoint);
console.log(JSON.stringify(kept));
