"""Give the sara aa drawn for ำ glyphs of its own in the shipped Sarabun.

Why: HarfBuzz draws ำ (U+0E33) as nikhahit + the very sara-aa glyph that า
(U+0E32) uses, and with a tone mark as a nikhahit+tone ligature + that glyph.
A PDF's text layer (its ToUnicode map) gives each glyph one text, and
WeasyPrint keeps the first text a glyph was drawn for (Kozea/WeasyPrint#2841).
So whichever came first in a report, า or ำ, every other one copied or
searched as the wrong letter ("ดำเนินการ" extracted as "ดาเนินการ"), and a
tone before ำ vanished ("น้ำ" as "นา").

The fix here keeps the text as typed (so Pango's Thai word breaking knows
the words) and changes only which glyph ids the font uses: five copies of
sara aa (uni0E32.am after a bare nikhahit, uni0E32.am0E48 … .am0E4B after the
nikhahit+tone ligatures), each a composite of uni0E32 itself (the same
outline and advance, so the page is pixel for pixel the same), and one
contextual lookup at the end of ccmp that swaps them in. Each glyph then has
one meaning: the nikhahit and its ligatures carry no text, the copy carries
"ำ" or "้ำ", plain sara aa carries "า".

Sarabun is under the OFL with no Reserved Font Name, so a modified copy may
keep its name; the version string says it is modified.

Run once per font file; running it again changes nothing:
    .venv/bin/python tools/sarabun_sara_am.py tracker/fonts/Sarabun-*.ttf
"""

from __future__ import annotations

import sys

from fontTools.otlLib import builder
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

AA = "uni0E32"
# what HarfBuzz leaves before the sara aa of ำ: the nikhahit alone or its
# ligature with a tone mark, each also in the narrow form after tall letters
TONES = ("", "0E48", "0E49", "0E4A", "0E4B")
MARK = "tracker: sara am glyphs"


def patch(font: TTFont) -> bool:
    """Add the copies and the lookup; False if the font has them already."""
    order = list(font.getGlyphOrder())
    if f"{AA}.am" in order:
        return False
    glyf, hmtx = font["glyf"], font["hmtx"]
    copies = {tone: f"{AA}.am{tone}" for tone in TONES}
    font.setGlyphOrder(order + list(copies.values()))
    glyf.glyphOrder = list(font.getGlyphOrder())
    for name in copies.values():
        component = GlyphComponent()
        component.glyphName, component.x, component.y, component.flags = AA, 0, 0, 0x4
        glyph = Glyph()
        glyph.numberOfContours, glyph.components = -1, [component]
        glyf[name] = glyph
        hmtx[name] = hmtx[AA]
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    chain = builder.ChainContextSubstBuilder(font, None)
    for tone, name in copies.items():
        swap = builder.SingleSubstBuilder(font, None)
        swap.mapping = {AA: name}
        lookups.append(swap.build())
        swap.lookup_index = len(lookups) - 1
        before = {g for g in (f"uni0E4D{tone}", f"uni0E4D{tone}.narrow") if g in order}
        chain.rules.append(builder.ChainContextualRule([before], [{AA}], [], [[swap]]))
    lookups.append(chain.build())
    gsub.LookupList.LookupCount = len(lookups)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":  # after the font's own ccmp lookups
            record.Feature.LookupListIndex.append(len(lookups) - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    names = font["name"]
    for record in names.names:
        if record.nameID == 5:
            names.setName(f"{record.toUnicode()}; {MARK}", 5, record.platformID,
                          record.platEncID, record.langID)
    return True


def main(paths: list[str]) -> None:
    for path in paths:
        font = TTFont(path)
        if patch(font):
            font.save(path)
            print(f"{path}: sara am glyphs added")
        else:
            print(f"{path}: has them already")


if __name__ == "__main__":
    main(sys.argv[1:])
