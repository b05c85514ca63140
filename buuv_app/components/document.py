"""Markdown documents (house rules, privacy) turned into plain components when the app is compiled.

rx.markdown renders in the browser with react-markdown, and brings a syntax highlighter and KaTeX
(fonts included) into the build for two pages of headings, paragraphs, lists, bold text and links:
most of what the service worker had to precache. The text is known at build time, so it is parsed
here (markdown-it, CommonMark) into the same Radix pieces rx.markdown would have used.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark")
_HEADING_SIZES = {"h1": "6", "h2": "5", "h3": "4", "h4": "3", "h5": "2", "h6": "1"}


def _heading(token: Token, children: list) -> rx.Component:
    return rx.heading(*children, as_=token.tag, size=_HEADING_SIZES[token.tag], margin_y="0.5em")


def _link(token: Token, children: list) -> rx.Component:
    return rx.link(*children, href=str(token.attrGet("href") or ""))


# Block and inline containers by markdown-it token type (the "_open" half of each pair).
_CONTAINERS: dict[str, Callable[[Token, list], rx.Component]] = {
    "heading_open": _heading,
    "paragraph_open": lambda token, children: rx.text(*children, margin_y="1em"),
    "bullet_list_open": lambda token, children: rx.list.unordered(*children, margin_y="1em"),
    "ordered_list_open": lambda token, children: rx.list.ordered(*children, margin_y="1em"),
    "list_item_open": lambda token, children: rx.list.item(*children, margin_y="0.5em"),
    "blockquote_open": lambda token, children: rx.blockquote(*children, margin_y="1em"),
    "strong_open": lambda token, children: rx.el.strong(*children),
    "em_open": lambda token, children: rx.el.em(*children),
    "link_open": _link,
}
# Leaves: tokens without children of their own.
_LEAVES: dict[str, Callable[[Token], rx.Component | str]] = {
    "text": lambda token: token.content,
    "softbreak": lambda token: "\n",
    "hardbreak": lambda token: rx.el.br(),
    "code_inline": lambda token: rx.code(token.content),
    "hr": lambda token: rx.divider(margin_y="1em"),
}


def _build(tokens: list[Token]) -> list[rx.Component | str]:
    """The components of a flat markdown-it token stream (opening and closing tokens nest)."""
    stack: list[tuple[Token | None, list]] = [(None, [])]
    for token in tokens:
        if token.nesting == 1:
            stack.append((token, []))
        elif token.nesting == -1:
            opener, children = stack.pop()
            assert opener is not None
            if opener.hidden:  # a paragraph in a tight list: its text sits in the item itself
                stack[-1][1].extend(children)
            elif opener.type not in _CONTAINERS:
                raise ValueError(f"Markdown element {opener.type!r} is not supported in documents")
            else:
                stack[-1][1].append(_CONTAINERS[opener.type](opener, children))
        elif token.type == "inline":
            stack[-1][1].extend(_build(token.children or []))
        elif token.type in _LEAVES:
            stack[-1][1].append(_LEAVES[token.type](token))
        else:
            raise ValueError(f"Markdown element {token.type!r} is not supported in documents")
    return stack[0][1]


def markdown_document(text: str) -> rx.Component:
    """`text` (CommonMark) as static components, parsed once when the page is compiled."""
    return rx.fragment(*_build(_PARSER.parse(text)))
