// PostCSS plugin (written into the frontend build by buuv_app/theme.py): drops the Radix Themes
// rules that can match nothing in this app, before the stylesheet is bundled.
//
// Radix ships every component and every prop value five more times, once per breakpoint
// (`.md\:rt-r-size-2` inside `@media (width>=1024px)`): 628 KB of CSS that a phone must download
// and parse before it draws the page. The compiled pages (the .js/.jsx beside this file) say
// which components are used (`RadixThemesButton`...) and whether any Radix prop is given per
// breakpoint (`{["md"]: "2"}`); a selector is dropped (and a rule with none left) only when it
// needs a class of a component or breakpoint the pages never use. Classes inside :not(), :has() and
// the like are not looked at, so a rule that might still match is always kept.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_DIRS = ["app", "app_components", "components", "utils"];
const BREAKPOINTS = ["xs", "sm", "md", "lg", "xl"];
// Class families that several components draw with (a Select's menu is a PopperContent...).
const SHARED = {
  PopperContent: ["Select", "DropdownMenu", "ContextMenu", "Popover", "HoverCard", "Tooltip"],
  BaseMenu: ["Select", "DropdownMenu", "ContextMenu"],
  BaseTabList: ["Tabs", "TabNav"],
  BaseRadio: ["Radio", "RadioGroup", "RadioCards"],
  BaseCheckbox: ["Checkbox", "CheckboxGroup", "CheckboxCards"],
  BaseCard: ["Card", "CheckboxCards", "RadioCards"],
  BaseButton: ["Button", "IconButton"],
  BaseDialog: ["Dialog", "AlertDialog"],
};

function compiledSource(dir) {
  let text = "";
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) text += compiledSource(full);
    else if (/\.(js|jsx)$/.test(entry.name)) text += fs.readFileSync(full, "utf8") + "\n";
  }
  return text;
}

export function usage(source) {
  const components = new Set([...source.matchAll(/RadixThemes([A-Z][A-Za-z]*)/g)].map((m) => m[1]));
  const breakpoints = new Set(
    BREAKPOINTS.filter((bp) => new RegExp(`(\\[\\s*["']${bp}["']\\s*\\]|["']${bp}["'])\\s*:`).test(source)),
  );
  return { components, breakpoints };
}

// Radix Themes' components, as its class names begin (rt-TextFieldRoot is TextField's, not Text's).
const COMPONENTS = ("AlertDialog AspectRatio Avatar Badge Blockquote Box Button Callout Card Checkbox CheckboxCards "
  + "CheckboxGroup Code Container ContextMenu DataList Dialog DropdownMenu Em Flex Grid Heading HoverCard IconButton "
  + "Inset Kbd Link Popover Progress Quote Radio RadioCards RadioGroup ScrollArea Section SegmentedControl Select "
  + "Separator Skeleton Slider Spinner Strong Switch TabNav Table Tabs Text TextArea TextField Theme ThemePanel "
  + "Tooltip").split(" ");

function classNeeded(name, { components, breakpoints }) {
  const prefixed = /^([a-z]+):(.*)$/.exec(name);
  if (prefixed && BREAKPOINTS.includes(prefixed[1])) {
    if (!breakpoints.has(prefixed[1])) return false;
    name = prefixed[2];
  }
  const component = /^rt-([A-Z][A-Za-z]*)$/.exec(name);
  if (!component) return true; // rt-r-size-2, rt-variant-soft, radix-themes, our own classes
  const family = component[1];
  for (const [shared, users] of Object.entries(SHARED)) {
    if (family.startsWith(shared)) return users.some((user) => components.has(user));
  }
  const owner = COMPONENTS.filter((known) => family.startsWith(known)).sort((a, b) => b.length - a.length)[0];
  return owner === undefined || components.has(owner);  // a class we do not know: kept
}

const DEAD = ".\u0000dead";

function splitTopLevel(list) {
  const parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === "(") depth++;
    else if (list[i] === ")") depth--;
    else if (list[i] === "," && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

export function selectorNeeded(selector, used) {
  // Functional pseudo-classes, innermost first: :is()/:where() need one of their selectors,
  // :not()/:has()/:nth-child() and the like are left out (a class there need not be present).
  let outer = selector, previous;
  do {
    previous = outer;
    outer = outer.replace(/:([a-z-]+)\(([^()]*)\)/g, (all, name, args) => {
      if (!["is", "where", "matches"].includes(name)) return "";
      return splitTopLevel(args).some((alternative) => selectorNeeded(alternative, used)) ? "" : DEAD;
    });
  } while (outer !== previous);
  if (outer.includes(DEAD)) return false;
  for (const match of outer.matchAll(/\.((?:\\.|[\w-])+)/g)) {
    if (!classNeeded(match[1].replace(/\\(.)/g, "$1"), used)) return false;
  }
  return true;
}

export default function trimRadixCss(options = {}) {
  const source = options.source ?? SOURCE_DIRS
    .map((dir) => path.join(WEB_DIR, dir))
    .filter((dir) => fs.existsSync(dir))
    .map(compiledSource)
    .join("\n");
  const used = usage(source);
  if (!used.components.has("Theme")) {
    // Every Reflex page sits in a Radix Theme: without it the scan read the wrong files.
    throw new Error(`radix_css_trim: no RadixThemesTheme in the compiled pages under ${WEB_DIR}`);
  }
  return {
    postcssPlugin: "buuv-radix-css-trim",
    OnceExit(root) {
      root.walkRules((rule) => {
        if (rule.parent && rule.parent.type === "atrule" && /keyframes$/i.test(rule.parent.name)) return;
        const needed = rule.selectors.filter((selector) => selectorNeeded(selector, used));
        if (needed.length === 0) rule.remove();
        else if (needed.length < rule.selectors.length) rule.selectors = needed;
      });
      // At-rules (media queries, layers) left empty.
      let removed;
      do {
        removed = false;
        root.walkAtRules((atRule) => {
          if (atRule.nodes && atRule.nodes.length === 0) {
            atRule.remove();
            removed = true;
          }
        });
      } while (removed);
    },
  };
}
trimRadixCss.postcss = true;
