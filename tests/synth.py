"""Synthetic reports in the layouts real submissions use, for extractor and rule tests.

`render(edition, values, layout)` writes a whole report text whose tables hold `values`
(cell key -> int/Decimal/None/"/"), in one of the layouts seen in the wild:
- "tabs":   Word's text export, one cell per tab-indented line, blank line between rows;
- "lines":  one value per line, no blank cells marked (all cells must be filled);
- "pipes":  HTML flattened to "|"-separated rows;
- "inline": each row's label followed by its values on one line, separated by spaces.
"""
from __future__ import annotations

from core.editions import Edition
from core.values import NA, format_value

LAYOUTS = ("tabs", "lines", "pipes", "inline")


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if v == "/" or v is NA:
        return "/"
    return format_value(v)  # type: ignore[arg-type]


def _rows(edition: Edition) -> list[tuple[str, list[str]] | tuple[str, None]]:
    """(label, keys) for each data row, (text, None) for captions and headers, in form order."""
    out: list = []
    active = edition.table("active")
    for b in active.blocks:
        out.append((b.caption, None))
        out.append(("信息内容\t" + "\t".join(c.label for c in b.columns), None))
        for r in b.rows:
            out.append((r.label, [f"active.{r.key}.{c.key}" for c in b.columns]))
    out.append(("三、收到和处理政府信息公开申请情况", "heading"))
    apply = edition.table("apply")
    blk = apply.blocks[0]
    out.append((apply.note, None))
    out.append(("申请人情况", None))
    out.append(("自然人\t法人或其他组织\t总计", None))
    out.append(("\t".join(c.label for c in blk.columns if c.key not in ("natural", "total")), None))
    groups_seen = set()
    for r in blk.rows:
        prefix = ""
        for g in (r.group, r.subgroup):
            if g and g not in groups_seen:
                groups_seen.add(g)
                prefix += g + "\t"
        out.append((prefix + r.label, [f"apply.{r.key}.{c.key}" for c in blk.columns]))
    out.append(("四、政府信息公开行政复议、行政诉讼情况", "heading"))
    out.append(("行政复议\t行政诉讼", None))
    out.append(("结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉", None))
    out.append(("\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2), None))
    review_keys = [k for k in edition.cell_keys() if k.startswith("review.")]
    out.append(("", review_keys))
    return out


def render(edition: Edition, values: dict[str, object], layout: str = "tabs",
           agency: str = "某某市某某局", year: int | None = None) -> str:
    year = year or (2021 if edition.key == "2021" else 2020)
    lines = [f"{agency}{year}年", "政府信息公开工作年度报告", "",
             "一、总体情况", f"{year}年，本机关认真贯彻落实《条例》。", "",
             "二、主动公开政府信息情况"]
    for label, keys in _rows(edition):
        if keys == "heading":
            lines += ["", label]
            continue
        cells = label.split("\t") if label else []
        if isinstance(keys, list):
            vals = [_cell_text(values.get(k)) for k in keys]
        else:
            vals = []
        if layout == "tabs":
            for c in cells + vals:
                lines.append("\t" + c)
            lines.append("")
        elif layout == "lines":
            lines += [c for c in cells if c] + [v for v in vals if v != ""]
        elif layout == "pipes":
            lines.append("| " + " | ".join(cells + vals) + " |")
        elif layout == "inline":
            lines.append(" ".join(c for c in cells + vals if c != "") if cells or vals else "")
        else:
            raise ValueError(layout)
    fee = "本年度未收取信息处理费。" if edition.key == "2021" else "无。"    # the 2021 format asks for it
    lines += ["", "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", fee]
    return "\n".join(lines) + "\n"


def consistent_values(edition: Edition, seed: int = 0) -> dict[str, int]:
    """A fully filled, balanced set of values for every cell of an edition."""
    import random

    rnd = random.Random(seed)
    v: dict[str, int] = {}
    for k, d in edition.cell_defs.items():
        if k.startswith("active."):
            v[k] = rnd.randint(-5, 5) if d.kind.value == "signed" else rnd.randint(0, 50)
    for row in ("rules", "normative"):  # soft 2019 checks hold too
        if f"active.{row}.published" in v:
            v[f"active.{row}.total"] = v[f"active.{row}.published"] + rnd.randint(0, 20)
    for k in list(v):
        if k.endswith(".change"):
            v[k] = max(v[k], -v[k.replace(".change", ".prev_items")])
    apply = edition.table("apply").blocks[0]
    cols = [c.key for c in apply.columns]
    parts = [c for c in cols if c not in ("total", "subtotal")]
    results = [r.key for r in apply.rows if r.group and r.key != "handled_total"]
    for r in results:
        for c in parts:
            v[f"apply.{r}.{c}"] = rnd.randint(0, 9)
    for c in parts:
        v[f"apply.handled_total.{c}"] = sum(v[f"apply.{r}.{c}"] for r in results)
        v[f"apply.carried_forward.{c}"] = rnd.randint(0, 5)
        v[f"apply.carried_over.{c}"] = rnd.randint(0, v[f"apply.handled_total.{c}"] + v[f"apply.carried_forward.{c}"])
        v[f"apply.new.{c}"] = v[f"apply.handled_total.{c}"] + v[f"apply.carried_forward.{c}"] - v[f"apply.carried_over.{c}"]
    for r in apply.rows:
        v[f"apply.{r.key}.total"] = sum(v[f"apply.{r.key}.{c}"] for c in parts)
        if "subtotal" in cols:
            v[f"apply.{r.key}.subtotal"] = sum(v[f"apply.{r.key}.{c}"] for c in parts if c != "natural")
    for g in ("reconsideration", "litigation_direct", "litigation_after"):
        nums = [rnd.randint(0, 4) for _ in range(4)]
        for c, n in zip(("upheld", "corrected", "other", "pending"), nums):
            v[f"review.{g}.{c}"] = n
        v[f"review.{g}.total"] = sum(nums)
    return v
