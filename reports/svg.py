"""Matplotlib's SVG made small and inlinable: minified, and its glyphs shared by the whole page.

Matplotlib draws text as paths (so a figure looks the same in every browser and needs no font) and
defines each glyph once per file, as `<path id="Font-hex" d=...>` used by `<use href="#Font-hex">`.
An HTML page with dozens of figures and formulas would repeat each glyph in every one of them: the
`Sprite` keeps one definition per glyph for the page, and `Sprite.inline` strips them from an SVG,
renames its other ids with a per-image prefix (clip paths and markers would collide between inline
SVGs) and drops the ids nothing refers to.
"""

from __future__ import annotations

import math
import re

_PROLOGUE = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<metadata>.*?</metadata>|<!--.*?-->", re.S)
_STYLE = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>|<style[^>]*>.*?</style>", re.S)
_TAG = re.compile(r"<[^>]*>")
_DECIMAL = re.compile(r"-?\d+\.\d+")
# A glyph definition, as matplotlib's SVG backend writes it: the id is the font's name and the glyph.
_GLYPH = re.compile(r'<path id="([^"]+-[0-9a-f]+)" d="([^"]*)"(?: transform="([^"]*)")?\s*/>')
_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_SIZE = re.compile(r'width="[^"]*" height="[^"]*" viewBox="[^"]*"')

STROKE_CSS = "svg.inline * { stroke-linejoin: round; stroke-linecap: butt; }"  # the removed <style>'s rule


def _round(match: re.Match) -> str:
    """A decimal to 4 significant digits, without an exponent: 0.1 pt on a 432 pt figure."""
    value = float(match.group())
    if value == 0:
        return "0"
    decimals = max(0, 3 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    return "0" if text in ("-0", "") else text


def minify(svg: str) -> str:
    """`svg` without prologue, metadata, comments and bare groups, whitespace collapsed, decimals
    shortened."""
    svg = _PROLOGUE.sub("", svg)
    svg = _TAG.sub(lambda tag: _DECIMAL.sub(_round, re.sub(r"\s+", " ", tag.group())), svg)
    return _without_bare_groups(re.sub(r">\s+<", "><", svg).strip())


def _without_bare_groups(svg: str) -> str:
    """`svg` without the <g> elements that have no attribute (their children kept in place)."""
    out, bare, last = [], [], 0
    for match in re.finditer(r"<g>|<g\s[^>]*>|</g>", svg):
        tag = match.group()
        drop = tag == "<g>" if tag != "</g>" else bare.pop()
        if tag != "</g>":
            bare.append(drop)
        if drop:
            out.append(svg[last:match.start()])
            last = match.end()
    out.append(svg[last:])
    return "".join(out)


class Sprite:
    """The glyph definitions of one page, shared by every inline SVG in it."""

    def __init__(self) -> None:
        self.glyphs: dict[str, str] = {}  # id -> <path .../>

    def inline(self, svg: str, prefix: str, css_class: str, label: str) -> str:
        """Minified `svg` for inlining, its glyphs moved into the sprite, its ids prefixed, `label`
        (plain text, already escaped for an attribute) its accessible name."""
        svg = _STYLE.sub("", minify(svg))
        renamed: dict[str, str] = {}

        def keep(match: re.Match) -> str:
            glyph, d, transform = match.groups()
            element = f'<path id="{{}}" d="{d}"' + (f' transform="{transform}"' if transform else "") + "/>"
            name = glyph
            while name in self.glyphs and self.glyphs[name] != element.format(name):
                name += "_"  # the same glyph id with another outline (another hinting): kept apart
            self.glyphs[name] = element.format(name)
            if name != glyph:
                renamed[glyph] = name
            return ""

        svg = _GLYPH.sub(keep, svg)
        svg = re.sub(r"<defs>\s*</defs>", "", svg)
        referenced = {name for _, name in _REFERENCE.findall(svg)}

        def rename_id(match: re.Match) -> str:
            name = match.group(1)
            return f' id="{prefix}-{name}"' if name in referenced else ""

        def rename_reference(match: re.Match) -> str:
            head, name = match.groups()
            if name in renamed:
                return head + renamed[name]
            return head + (name if name in self.glyphs else f"{prefix}-{name}")

        svg = _REFERENCE.sub(rename_reference, _ID.sub(rename_id, svg)).replace(' xlink:href="', ' href="')
        size = _SIZE.search(svg).group()  # matplotlib's root: xmlns, version and size; inline, the size
        return f'<svg class="inline {css_class}" role="img" aria-label="{label}" {size}>' + svg[svg.index(">") + 1:]

    def definitions(self) -> str:
        """The hidden <svg> holding every glyph, to place once before the first inline SVG."""
        return ('<svg class="sprite" width="0" height="0" aria-hidden="true"><defs>'
                + "".join(self.glyphs[name] for name in sorted(self.glyphs)) + "</defs></svg>")
