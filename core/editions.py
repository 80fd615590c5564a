"""The two official editions of the annual-report tables, declared once.

Everything else reads this module: the text extractor takes the row/column key phrases from it,
the rule engine derives its balance equations from it, the GUI grid and both exports take the
official labels and layout from it. Nothing about table geometry is written anywhere else.

Sources: ../shared/spec/template.md §3–§6 (国办公开办函〔2019〕60号 and 〔2021〕30号) and the
cell keys of ../shared/spec/contract.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """What a cell may hold; drives parsing, the INT rule, editing and number formats."""

    COUNT = "count"          # whole number >= 0 (件, 个)
    SIGNED = "signed"        # whole number, may be negative (2019 本年增/减)
    AMOUNT = "amount"        # decimal >= 0 (万元 / 元)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.COUNT
    unit: str | None = None          # canonical unit of the column, if the form prints one
    phrases: tuple[str, ...] = ()    # key phrases that identify the header text


@dataclass(frozen=True)
class Row:
    key: str
    label: str                       # official label with its ordinal prefix
    phrases: tuple[str, ...]         # key phrases that identify the row label in a report
    weak: bool = False               # phrase is too generic to match out of sequence
    group: str | None = None         # the merged group label to its left, if any
    subgroup: str | None = None


@dataclass(frozen=True)
class Block:
    """A run of rows sharing one header: a 第二十条 block of table 二, or all of table 三."""

    caption: str | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    key: str                         # 'active' / 'apply' / 'review'
    number: str                      # '二' / '三' / '四'
    title: str
    blocks: tuple[Block, ...]
    note: str | None = None

    def cells(self) -> list[str]:
        return [f"{self.key}.{r.key}.{c.key}" for b in self.blocks for r in b.rows for c in b.columns]

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for b in self.blocks for r in b.rows)


@dataclass(frozen=True)
class CellDef:
    key: str
    table: Table
    block: Block
    row: Row
    column: Column

    @property
    def kind(self) -> Kind:
        return self.column.kind

    @property
    def unit(self) -> str | None:
        return self.column.unit

    @property
    def label(self) -> str:
        """Human label: table, row, column, as an auditor would name the cell."""
        return f"表{self.table.number}·{short_row_label(self.row)}·{self.column.label}"


@dataclass(frozen=True)
class Edition:
    key: str                          # '2019' / '2021'
    name: str
    document: str
    tables: tuple[Table, ...]
    evidence: tuple[str, ...]         # header phrases found only in this edition
    cell_defs: dict[str, CellDef] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for t in self.tables:
            for b in t.blocks:
                for r in b.rows:
                    for c in b.columns:
                        key = f"{t.key}.{r.key}.{c.key}"
                        self.cell_defs[key] = CellDef(key, t, b, r, c)

    @property
    def has_subtotal(self) -> bool:
        return any(c.key == "subtotal" for c in self.table("apply").blocks[0].columns)

    def with_subtotal(self) -> "Edition":
        """The same edition with table 三's extra 法人或其他组织·小计 column, as some reports print."""
        if self.has_subtotal:
            return self
        if self.key not in _SUBTOTAL_VARIANTS:
            apply = self.table("apply")
            block = apply.blocks[0]
            cols = block.columns[:6] + (SUBTOTAL_COLUMN,) + block.columns[6:]
            table = Table(apply.key, apply.number, apply.title, (Block(None, cols, block.rows),), apply.note)
            tables = tuple(table if t.key == "apply" else t for t in self.tables)
            _SUBTOTAL_VARIANTS[self.key] = Edition(self.key, self.name, self.document, tables, self.evidence)
        return _SUBTOTAL_VARIANTS[self.key]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def cell_keys(self) -> list[str]:
        return list(self.cell_defs)


def short_row_label(row: Row) -> str:
    """The row's label as an auditor says it: "（三）不予公开1.属于国家秘密", notes dropped."""
    label = row.label.split("（区分")[0]
    if label[:1].isdigit() and (row.subgroup or row.group):
        return (row.subgroup or row.group or "") + label
    return label


# ---------------------------------------------------------------- table 二 主动公开政府信息情况

def _cols(*spec: tuple) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


_ITEM_COLS_2019 = _cols(
    ("prev_items", "上一年项目数量", Kind.COUNT, None, ("上一年项目",)),
    ("change", "本年增/减", Kind.SIGNED, None, ("增/减", "增减", "增／减")),
    ("decisions", "处理决定数量", Kind.COUNT, None, ("处理决定",)),
)

ACTIVE_2019 = Table("active", "二", "主动公开政府信息情况", (
    Block("第二十条第（一）项",
          _cols(("made", "本年新制作数量", Kind.COUNT, None, ("新制作",)),
                ("published", "本年新公开数量", Kind.COUNT, None, ("新公开",)),
                ("total", "对外公开总数量", Kind.COUNT, None, ("公开总数",))),
          (Row("rules", "规章", ("规章",)),
           Row("normative", "规范性文件", ("规范性文件",))),
          ("第（一）项",)),
    Block("第二十条第（五）项", _ITEM_COLS_2019,
          (Row("licensing", "行政许可", ("行政许可",)),
           Row("other_services", "其他对外管理服务事项", ("其他对外管理服务", "对外管理服务"))),
          ("第（五）项",)),
    Block("第二十条第（六）项", _ITEM_COLS_2019,
          (Row("punishment", "行政处罚", ("行政处罚",)),
           Row("enforcement", "行政强制", ("行政强制",))),
          ("第（六）项",)),
    Block("第二十条第（八）项", _ITEM_COLS_2019[:2],
          (Row("fees", "行政事业性收费", ("事业性收费",)),),
          ("第（八）项",)),
    Block("第二十条第（九）项",
          _cols(("items", "采购项目数量", Kind.COUNT, None, ("采购项目",)),
                ("amount", "采购总金额", Kind.AMOUNT, None, ("采购总金额", "采购金额"))),
          (Row("procurement", "政府集中采购", ("集中采购",)),),
          ("第（九）项",)),
))

_DECISIONS_2021 = _cols(("decisions", "本年处理决定数量", Kind.COUNT, None, ("处理决定",)))

ACTIVE_2021 = Table("active", "二", "主动公开政府信息情况", (
    Block("第二十条第（一）项",
          _cols(("issued", "本年制发件数", Kind.COUNT, None, ("制发",)),
                ("repealed", "本年废止件数", Kind.COUNT, None, ("废止",)),
                ("in_force", "现行有效件数", Kind.COUNT, None, ("现行有效",))),
          (Row("rules", "规章", ("规章",)),
           Row("normative", "行政规范性文件", ("规范性文件",))),
          ("第（一）项",)),
    Block("第二十条第（五）项", _DECISIONS_2021,
          (Row("licensing", "行政许可", ("行政许可",)),),
          ("第（五）项",)),
    Block("第二十条第（六）项", _DECISIONS_2021,
          (Row("punishment", "行政处罚", ("行政处罚",)),
           Row("enforcement", "行政强制", ("行政强制",))),
          ("第（六）项",)),
    Block("第二十条第（八）项",
          _cols(("amount", "本年收费金额（单位：万元）", Kind.AMOUNT, "万元", ("收费金额",))),
          (Row("fees", "行政事业性收费", ("事业性收费",)),),
          ("第（八）项",)),
))

# ---------------------------------------------------------------- table 三 依申请公开

APPLICANT_COLUMNS = _cols(
    ("natural", "自然人", Kind.COUNT, None, ("自然人",)),
    ("commercial", "商业企业", Kind.COUNT, None, ("商业",)),
    ("research", "科研机构", Kind.COUNT, None, ("科研",)),
    ("social", "社会公益组织", Kind.COUNT, None, ("公益",)),
    ("legal", "法律服务机构", Kind.COUNT, None, ("法律服务",)),
    ("other", "其他", Kind.COUNT, None, ("其他",)),
    ("total", "总计", Kind.COUNT, None, ("总计",)),
)
# Columns that make up the applicant total (everything but 总计 and the optional 小计).
PERSON_COLUMNS = ("natural",)
LEGAL_COLUMNS = ("commercial", "research", "social", "legal", "other")
SUBTOTAL_COLUMN = Column("subtotal", "小计", Kind.COUNT, None, ("小计",))

_G3 = "三、本年度办理结果"
_DENIED = "（三）不予公开"
_UNAVAIL = "（四）无法提供"
_REJECT = "（五）不予处理"
_OTHER = "（六）其他处理"


def _apply_rows(edition: str) -> tuple[Row, ...]:
    head = (
        Row("new", "一、本年新收政府信息公开申请数量", ("本年新收",)),
        Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
        Row("granted", "（一）予以公开", ("予以公开",), group=_G3),
        Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), group=_G3),
        Row("denied_1", "1.属于国家秘密", ("国家秘密",), group=_G3, subgroup=_DENIED),
        Row("denied_2", "2.其他法律行政法规禁止公开", ("禁止公开",), group=_G3, subgroup=_DENIED),
        Row("denied_3", "3.危及“三安全一稳定”", ("三安全", "一稳定"), group=_G3, subgroup=_DENIED),
        Row("denied_4", "4.保护第三方合法权益", ("第三方",), group=_G3, subgroup=_DENIED),
        Row("denied_5", "5.属于三类内部事务信息", ("内部事务",), group=_G3, subgroup=_DENIED),
        Row("denied_6", "6.属于四类过程性信息", ("过程性",), group=_G3, subgroup=_DENIED),
        Row("denied_7", "7.属于行政执法案卷", ("执法案卷",), group=_G3, subgroup=_DENIED),
        Row("denied_8", "8.属于行政查询事项", ("查询事项",), group=_G3, subgroup=_DENIED),
        Row("unavailable_1", "1.本机关不掌握相关政府信息", ("不掌握",), group=_G3, subgroup=_UNAVAIL),
        Row("unavailable_2", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), group=_G3, subgroup=_UNAVAIL),
        Row("unavailable_3", "3.补正后申请内容仍不明确", ("仍不明确", "补正后"), group=_G3, subgroup=_UNAVAIL),
        Row("rejected_1", "1.信访举报投诉类申请", ("信访", "举报投诉"), group=_G3, subgroup=_REJECT),
        Row("rejected_2", "2.重复申请", ("重复申请",), group=_G3, subgroup=_REJECT),
        Row("rejected_3", "3.要求提供公开出版物", ("出版物",), group=_G3, subgroup=_REJECT),
        Row("rejected_4", "4.无正当理由大量反复申请", ("大量反复",), group=_G3, subgroup=_REJECT),
        Row("rejected_5", "5.要求行政机关确认或重新出具已获取信息", ("重新出具", "已获取信息"), group=_G3,
            subgroup=_REJECT),
    )
    if edition == "2019":
        other: tuple[Row, ...] = (Row("other", "（六）其他处理", ("其他处理",), group=_G3),)
    else:
        other = (
            Row("other_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ("逾期不补正",), group=_G3, subgroup=_OTHER),
            Row("other_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ("收费通知", "缴纳费用"), group=_G3, subgroup=_OTHER),
            Row("other_3", "3.其他", ("其他",), weak=True, group=_G3, subgroup=_OTHER),
        )
    tail = (
        Row("handled_total", "（七）总计", ("（七）总计", "(七)总计", "七）总计", "总计"), weak=True, group=_G3),
        Row("carried_forward", "四、结转下年度继续办理", ("结转下年",)),
    )
    return head + other + tail


def _apply_table(edition: str) -> Table:
    return Table("apply", "三", "收到和处理政府信息公开申请情况",
                 (Block(None, APPLICANT_COLUMNS, _apply_rows(edition)),),
                 note="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")


# ---------------------------------------------------------------- table 四 复议、诉讼

REVIEW_COLUMNS = _cols(
    ("upheld", "结果维持", Kind.COUNT, None, ("维持",)),
    ("corrected", "结果纠正", Kind.COUNT, None, ("纠正",)),
    ("other", "其他结果", Kind.COUNT, None, ("其他结果",)),
    ("pending", "尚未审结", Kind.COUNT, None, ("尚未审结", "未审结")),
    ("total", "总计", Kind.COUNT, None, ("总计",)),
)

REVIEW = Table("review", "四", "政府信息公开行政复议、行政诉讼情况", (
    Block(None, REVIEW_COLUMNS, (
        Row("reconsideration", "行政复议", ("行政复议",)),
        Row("litigation_direct", "未经复议直接起诉", ("直接起诉",), group="行政诉讼"),
        Row("litigation_after", "复议后起诉", ("复议后起诉",), group="行政诉讼"),
    )),
))

EDITION_2019 = Edition(
    "2019", "2019 年试行版", "国办公开办函〔2019〕60号",
    (ACTIVE_2019, _apply_table("2019"), REVIEW),
    evidence=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
              "本年增/减", "采购项目数量", "采购总金额", "其他对外管理服务事项", "政府集中采购"),
)
EDITION_2021 = Edition(
    "2021", "2021 年版", "国办公开办函〔2021〕30号",
    (ACTIVE_2021, _apply_table("2021"), REVIEW),
    evidence=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
              "逾期不补正", "收费通知"),
)

_SUBTOTAL_VARIANTS: dict[str, Edition] = {}

EDITIONS: dict[str, Edition] = {"2019": EDITION_2019, "2021": EDITION_2021}


def edition_for_year(year: int | None) -> Edition | None:
    """The edition a report of `year` must use (template.md §1)."""
    if year is None:
        return None
    return EDITION_2021 if year >= 2021 else EDITION_2019
