"""Splitting run-together digits into cells, constrained by the balance rules.

Text that lost its table layout ("一、本年新收政府信息公开申请数量130000013") keeps the digits of
a row but not where one cell ends and the next begins, nor the blank cells. A row's digits are
split by search over every way of cutting them into numbers and placing those numbers on the
row's cells (the others blank), keeping only the ways that satisfy the row's own totals (总计 =
Σ applicant columns, table 四 group totals). The rows of table 三 are then solved jointly by the
column rules (一+二 = （七）+四, （七） = Σ results) through domain pruning and, where few
combinations remain, exact enumeration. Row totals prune first, so a whole report stays in the
order of milliseconds.

Nothing here decides what to do with the outcome: a row with one surviving split is "inferred",
one with several is ambiguous and its candidates go to the auditor (``core.flat``).
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.editions import Kind
from core.values import NA, UNIT_FACTORS, Value, as_number

ROW_CAP = 400          # more splits than this for one row: too ambiguous to list
NODE_CAP = 60000       # search nodes per row before giving up
JOINT_CAP = 20000      # combinations of ambiguous rows enumerated exactly


@dataclass(frozen=True)
class Piece:
    """A run of value characters between hard separators, normalised to ASCII.

    ``digits`` may be cut anywhere into several numbers; ``sign`` belongs to the first of them,
    ``frac`` (decimal places) and ``unit`` to the last. ``na`` marks an explicit not-applicable
    mark, which is exactly one cell. ``pos[i]`` is the source offset of ``digits[i]``.
    """

    digits: str
    pos: tuple[int, ...]
    start: int                      # source span of the whole piece
    end: int
    sign: str = ""
    frac: str = ""
    unit: str = ""
    na: bool = False
    doubt: str | None = None        # e.g. OCR letters read as digits
    atomic: bool = False            # thousands-grouped: one number, never cut


@dataclass(frozen=True)
class Placed:
    """One cell of a split: the value and the source span it came from (None for a blank)."""

    value: Value
    span: tuple[int, int] | None
    doubt: str | None = None


Split = tuple[Placed, ...]


def _number(piece: Piece, o: int, e: int, kind: Kind | None = None,
            unit: str | None = None) -> tuple[Value, tuple[int, int]] | None:
    """The number made of piece digits [o, e), with sign/fraction where it touches the edges.

    A unit written after the digits ("100万") belongs to the last number and only an amount
    cell may carry it; the value is converted to the column's unit (``unit``, default 元).
    """
    d = piece.digits[o:e]
    if len(d) > 1 and d[0] == "0":
        return None
    if piece.atomic and (o != 0 or e != len(piece.digits)):
        return None
    text = d
    if o == 0 and piece.sign == "-":
        text = "-" + text
    last = e == len(piece.digits)
    if last and piece.frac:
        text += "." + piece.frac
    number = Decimal(text)
    if last and piece.unit in UNIT_FACTORS:
        if kind is not None and kind is not Kind.AMOUNT:
            return None
        number = number * UNIT_FACTORS[piece.unit] / UNIT_FACTORS[unit or "元"]
    value: Value = as_number(number)
    start = piece.pos[o] - (1 if o == 0 and piece.sign else 0)
    end = piece.end if last else piece.pos[e - 1] + 1
    return value, (start, end)


def _min_numbers(piece: Piece, o: int) -> int:
    if piece.na:
        return 1
    d = piece.digits
    i = o
    while i < len(d) and d[i] == "0":
        i += 1
    return (i - o) + (1 if i < len(d) else 0)


def _fits(value: Value, kind: Kind) -> bool:
    if value is NA or value is None:
        return True
    if isinstance(value, Decimal) and kind is not Kind.AMOUNT:
        return False
    return not (value < 0 and kind is not Kind.SIGNED)  # type: ignore[operator]


def _num(v: Value):
    return 0 if v is None or v is NA else v


def row_splits(pieces: Sequence[Piece], kinds: Sequence[Kind],
               sums: Sequence[tuple[int, tuple[int, ...]]] = (), cap: int = ROW_CAP,
               units: Sequence[str | None] | None = None,
               allowed: Mapping[int, set] | None = None) -> list[Split] | None:
    """Every split of the pieces onto len(kinds) cells that satisfies the row's sums.

    ``allowed`` restricts cells to the values the table's column rules leave them (blank
    counting as 0), when the rows around have already been pinned.

    ``sums`` lists (total position, part positions); each total comes after its parts. Blank
    cells count as 0 in a sum, as the rules do. Returns None when there are more than ``cap``
    splits or the search is too large to finish: the row is then too ambiguous to list.

    The cells fall into segments closed under the sums (table 四's three groups of five); the
    fillings of a segment from a given place in the digits are searched once and reused.
    Splits with fewer blank cells come first.
    """
    k = len(kinds)
    units = units or [None] * k
    allowed = allowed or {}
    n_pieces = len(pieces)
    target_of = {t: parts for t, parts in sums}
    bounds = [0]
    for j in range(1, k):
        if not any(min(parts) < j <= t for t, parts in sums):
            bounds.append(j)
    bounds.append(k)
    after = [0] * (n_pieces + 1)
    for q in range(n_pieces - 1, -1, -1):
        after[q] = after[q + 1] + _min_numbers(pieces[q], 0)

    def numbers_left(p: int, o: int) -> int:
        return 0 if p >= n_pieces else _min_numbers(pieces[p], o) + after[p + 1]

    budget = [NODE_CAP]

    class _Overflow(Exception):
        pass

    def fillings(seg: int) -> Callable[[int, int], list[tuple[tuple[Placed, ...], int, int]]]:
        lo, hi = bounds[seg], bounds[seg + 1]
        out: list[tuple[tuple[Placed, ...], int, int]] = []
        vals: list[Placed] = []

        def rec(j: int, p: int, o: int) -> None:
            budget[0] -= 1
            if budget[0] < 0:
                raise _Overflow
            if numbers_left(p, o) > k - j:
                return
            if j == hi:
                out.append((tuple(vals), p, o))
                return
            kind = kinds[j]
            only = allowed.get(j)
            zero_ok = only is None or 0 in only
            if j in target_of:
                want = sum(_num(vals[i - lo].value) for i in target_of[j])
                if only is not None and want not in only:
                    return
                if want == 0:
                    vals.append(Placed(None, None))
                    rec(j + 1, p, o)
                    vals.pop()
            else:
                want = None
                if zero_ok:
                    vals.append(Placed(None, None))
                    rec(j + 1, p, o)
                    vals.pop()
            if p >= n_pieces:
                return
            piece = pieces[p]
            if piece.na:
                if (want is None or want == 0) and zero_ok:
                    vals.append(Placed(NA, (piece.start, piece.end), piece.doubt))
                    rec(j + 1, p + 1, 0)
                    vals.pop()
                return
            if want is not None:
                w = str(abs(int(want))) if want == int(want) else ""
                ends = [o + len(w)] if w and o + len(w) <= len(piece.digits) else []
            else:
                ends = range(o + 1, len(piece.digits) + 1)
            for e in ends:
                got = _number(piece, o, e, kind, units[j])
                if got is None:
                    if piece.digits[o] == "0":
                        break          # a number cannot start with 0: no longer cut helps
                    continue
                value, span = got
                if (want is not None and value != want) or not _fits(value, kind):
                    continue
                if only is not None and value not in only:
                    continue
                vals.append(Placed(value, span, piece.doubt))
                if e == len(piece.digits):
                    rec(j + 1, p + 1, 0)
                else:
                    rec(j + 1, p, e)
                vals.pop()

        def run(p: int, o: int) -> list[tuple[tuple[Placed, ...], int, int]]:
            out.clear()
            rec(lo, p, o)
            return list(out)
        return run

    runners = [fillings(g) for g in range(len(bounds) - 1)]
    memo: dict[tuple[int, int, int], list[tuple[Placed, ...]]] = {}

    def suffix(seg: int, p: int, o: int) -> list[tuple[Placed, ...]]:
        if seg == len(runners):
            return [()] if p == n_pieces else []
        key = (seg, p, o)
        if key not in memo:
            got: list[tuple[Placed, ...]] = []
            for fill, p2, o2 in runners[seg](p, o):
                for rest in suffix(seg + 1, p2, o2):
                    got.append(fill + rest)
                    if len(got) > cap:
                        raise _Overflow
            memo[key] = got
        return memo[key]

    try:
        found = suffix(0, 0, 0)
    except _Overflow:
        return None
    return sorted(found, key=lambda sp: sum(1 for c in sp if c.value is None))


def values_of(split: Split) -> tuple[Value, ...]:
    return tuple(p.value for p in split)


# ------------------------------------------------------------------ joint solving (table 三)

Equation = list[tuple[int, str, int]]     # (coefficient, row key, column index); Σ coef·x = 0


def _achievable(terms: list[list], cap: int = 4096) -> set | None:
    """Every sum one value from each list can make; None when the set grows beyond `cap`."""
    sums = {0}
    for values in terms:
        sums = {s + v for s in sums for v in values}
        if len(sums) > cap:
            return None
    return sums


def _domain(cands: list[tuple[Value, ...]], col: int) -> set:
    return {_num(c[col]) for c in cands}


def _satisfiable(eq: Equation, rows: dict[str, list[tuple[Value, ...]]]) -> bool:
    terms = [[coef * v for v in _domain(rows[r], c)] for coef, r, c in eq]
    got = _achievable(terms)
    return got is None or 0 in got


def _prune(eqs: list[Equation], rows: dict[str, list[tuple[Value, ...]]]) -> bool:
    """Drop row candidates no combination of the other rows' values can balance. False if a row empties."""
    changed = True
    rounds = 0
    while changed and rounds < 12:
        changed = False
        rounds += 1
        for eq in eqs:
            for idx, (coef, r, c) in enumerate(eq):
                if len(rows[r]) <= 1 and all(len(_domain(rows[r2], c2)) <= 1 for _, r2, c2 in eq):
                    continue
                others = [[cf * v for v in _domain(rows[r2], c2)] for i2, (cf, r2, c2) in enumerate(eq) if i2 != idx]
                got = _achievable(others)
                if got is None:
                    continue
                keep = [cand for cand in rows[r] if -coef * _num(cand[c]) in got]
                if len(keep) != len(rows[r]):
                    rows[r] = keep
                    changed = True
                    if not keep:
                        return False
    return True


def _holds(eq: Equation, choice: dict[str, tuple[Value, ...]]) -> bool:
    return sum(coef * _num(choice[r][c]) for coef, r, c in eq) == 0


Resplit = Callable[[str, dict[int, set]], "list[tuple[Value, ...]] | None"]


def _fallback(rows, eqs):
    return dict(rows), list(range(len(eqs)))


def solve_joint(rows: dict[str, list[tuple[Value, ...]] | None], eqs: list[Equation],
                resplit: Resplit | None = None
                ) -> tuple[dict[str, list[tuple[Value, ...]] | None], list[int]]:
    """Narrow each row's candidates by the column equations.

    ``rows`` maps a row to its candidate value tuples, or None when the row alone allows too
    many splits to list. Such a row is split again (``resplit``) once the other rows of an
    equation are pinned enough to leave its cell a few values: the rule then does the cutting.

    Returns the narrowed candidates and the indices of equations that no choice of splits can
    satisfy (the report itself does not balance there: those are left for the rules to report).
    When the remaining equations cannot all hold together, each row keeps its row-level splits.
    """
    cands: dict[str, list[tuple[Value, ...]] | None] = {
        r: (list(c) if c is not None else None) for r, c in rows.items()}
    allowed: dict[str, dict[int, set]] = {r: {} for r in rows}
    broken: set[int] = set()
    for _round in range(40):
        progress = False
        for i, eq in enumerate(eqs):
            if i in broken:
                continue
            unknown = [t for t in eq if cands[t[1]] is None]
            if not unknown:
                if not _satisfiable(eq, cands):          # type: ignore[arg-type]
                    broken.add(i)
                    progress = True
                continue
            if len(unknown) > 1 or resplit is None:
                continue
            coef, r, c = unknown[0]
            others = _achievable([[cf * v for v in _domain(cands[r2], c2)]    # type: ignore[arg-type]
                                  for cf, r2, c2 in eq if (cf, r2, c2) != (coef, r, c)])
            if others is None:
                continue
            values = {-s * coef for s in others}
            current = allowed[r].get(c)
            narrowed = values if current is None else current & values
            if narrowed == current:
                continue
            trial = dict(allowed[r])
            trial[c] = narrowed
            got = resplit(r, trial)
            if got == []:
                broken.add(i)            # no split of this row's digits makes the rule hold
            else:
                allowed[r] = trial
                cands[r] = got
            progress = True
        known = {r: c for r, c in cands.items() if c is not None}
        live = [eq for i, eq in enumerate(eqs) if i not in broken and all(t[1] in known for t in eq)]
        before = {r: len(c) for r, c in known.items()}
        if not _prune(live, known):
            return _fallback(rows, eqs)
        cands.update(known)
        if any(len(known[r]) != n for r, n in before.items()):
            progress = True
        if not progress:
            break
    known = {r: c for r, c in cands.items() if c is not None}
    live = [eq for i, eq in enumerate(eqs) if i not in broken and all(t[1] in known for t in eq)]
    ambiguous = [r for r, c in known.items() if len(c) > 1 and any(r == t[1] for eq in live for t in eq)]
    size = 1
    for r in ambiguous:
        size *= len(known[r])
    if ambiguous and size <= JOINT_CAP:
        fixed = {r: c[0] for r, c in known.items() if len(c) == 1}
        touching = [eq for eq in live if any(t[1] in ambiguous for t in eq)]
        seen: dict[str, set[int]] = {r: set() for r in ambiguous}
        for combo in itertools.product(*[range(len(known[r])) for r in ambiguous]):
            choice = dict(fixed)
            choice.update({r: known[r][i] for r, i in zip(ambiguous, combo)})
            if all(_holds(eq, choice) for eq in touching):
                for r, i in zip(ambiguous, combo):
                    seen[r].add(i)
        if any(not s for s in seen.values()):
            return _fallback(rows, eqs)
        for r in ambiguous:
            cands[r] = [c for i, c in enumerate(known[r]) if i in seen[r]]
    return cands, sorted(broken)


def iter_pinned(cands: Sequence[tuple[Value, ...]]) -> Iterator[tuple[int, bool]]:
    """For each cell position: is its value the same in every candidate?"""
    k = len(cands[0])
    for j in range(k):
        first = cands[0][j]
        yield j, all(type(c[j]) is type(first) and c[j] == first for c in cands)
