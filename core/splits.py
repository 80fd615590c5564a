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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.editions import Kind
from core.values import NA, UNIT_FACTORS, Value, as_number

ROW_CAP = 400          # more splits than this for one row: too ambiguous to list
NODE_CAP = 60000       # search nodes per row before giving up
JOINT_CAP = 2000       # search steps spent proving which row candidates the column rules allow


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


def piece_number(piece: Piece, o: int, e: int, kind: Kind | None = None,
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
    last = e == len(piece.digits)
    if not (last and (piece.frac or piece.unit)):          # a plain whole number: the usual case
        v = int(d)
        if o == 0 and piece.sign == "-":
            v = -v
        return v, (piece.pos[o] - (1 if o == 0 and piece.sign else 0), piece.end if last else piece.pos[e - 1] + 1)
    text = d
    if o == 0 and piece.sign == "-":
        text = "-" + text
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


def fits_kind(value: Value, kind: Kind) -> bool:
    if value is NA or value is None:
        return True
    if isinstance(value, Decimal) and kind is not Kind.AMOUNT:
        return False
    return not (value < 0 and kind is not Kind.SIGNED)  # type: ignore[operator]


def _num(v: Value):
    return 0 if v is None or v is NA else v


def _sum_bounds(pieces: Sequence[Piece], cells: int) -> tuple[list[list[float]], list[list[float]]] | tuple[None, None]:
    """Least and most the first L digits can add up to when cut into at most c numbers.

    ``lowest[L][c]`` / ``highest[L][c]`` over every prefix of the row's digits (pieces never
    joined, no number starting with 0, an NA mark counting 0): run-together digits cut into
    few cells cannot make a small total, nor many cells a large one. (None, None) when a piece
    has a sign, decimals or a unit: sums are over plain counts.
    """
    if any(pc.sign or pc.frac or pc.unit for pc in pieces):
        return None, None
    inf = float("inf")
    lowest = [[0.0] * (cells + 1)]
    highest = [[0.0] * (cells + 1)]
    for pc in pieces:
        base = len(lowest) - 1
        if pc.na:
            lowest.append([inf] + [lowest[base][c - 1] for c in range(1, cells + 1)])
            highest.append([-inf] + [highest[base][c - 1] for c in range(1, cells + 1)])
            continue
        d = pc.digits
        for e in range(1, len(d) + 1):
            lo_row = [inf] * (cells + 1)
            hi_row = [-inf] * (cells + 1)
            for st in range(e):
                if e - st > 1 and d[st] == "0":
                    continue
                v = int(d[st:e])
                lo_prev, hi_prev = lowest[base + st], highest[base + st]
                for c in range(1, cells + 1):
                    if lo_prev[c - 1] + v < lo_row[c]:
                        lo_row[c] = lo_prev[c - 1] + v
                    if hi_prev[c - 1] + v > hi_row[c]:
                        hi_row[c] = hi_prev[c - 1] + v
            lowest.append(lo_row)
            highest.append(hi_row)
    return lowest, highest


class _Overflow(Exception):
    """The search grew beyond its budget: the row is too ambiguous to list."""


def row_splits(pieces: Sequence[Piece], kinds: Sequence[Kind],
               sums: Sequence[tuple[int, tuple[int, ...]]] = (), cap: int = ROW_CAP,
               units: Sequence[str | None] | None = None,
               allowed: Mapping[int, set] | None = None) -> list[Split] | None:
    """Every split of the pieces onto len(kinds) cells that satisfies the row's sums.

    ``sums`` lists (total position, part positions); each total comes after its parts, and the
    parts of a sum never go below 0. Blank cells count as 0 in a sum, as the rules do.
    ``allowed`` restricts cells to the values the table's column rules leave them (blank
    counting as 0), once the rows around are pinned. Returns None when there are more than
    ``cap`` splits or the search is too large to finish: the row is too ambiguous to list.

    The search runs from the right: a total is met before its parts, so what is left of it
    bounds the parts still to place (``_sum_bounds``: the least and most the digits to the
    left can add up to in so many cells) and fixes the leftmost part outright. A state is
    (cell, digits left, what is left of each total); many ways of placing blanks reach the same
    state, so each state's fillings are found once and shared: blank cells, which vanish in
    run-together text, multiply the splits but not the work. The cells fall into segments
    closed under the sums (table 四's three groups of five). Splits with fewer blanks first.
    """
    k = len(kinds)
    units = units or [None] * k
    allowed = allowed or {}
    # Positions are counted in digits from the row's start; an NA mark is one "digit".
    width = [1 if pc.na else len(pc.digits) for pc in pieces]
    first = [0]
    for w in width:
        first.append(first[-1] + w)
    total_width = first[-1]
    piece_at = [0] * (total_width + 1)         # the piece holding the digit just left of L
    for q, w in enumerate(width):
        for L in range(first[q] + 1, first[q] + w + 1):
            piece_at[L] = q
    needed = [0] * (total_width + 1)           # fewest numbers the first L digits make
    for L in range(1, total_width + 1):
        q = piece_at[L]
        pc = pieces[q]
        if pc.na:
            needed[L] = needed[first[q]] + 1
            continue
        head = pc.digits[:L - first[q]]
        zeros = len(head) - len(head.lstrip("0"))
        needed[L] = needed[first[q]] + zeros + (1 if len(head) > zeros else 0)
    bounds = [0]
    for j in range(1, k):
        if not any(min(parts) < j <= t for t, parts in sums):
            bounds.append(j)
    bounds.append(k)
    lowest, highest = _sum_bounds(pieces, k)
    if lowest is None:                         # signs or decimals: only "no more than the digits"
        most = [0] * (total_width + 1)
        for L in range(1, total_width + 1):
            q = piece_at[L]
            pc = pieces[q]
            head = int(pc.digits[:L - first[q]]) + 1 if pc.digits else 0
            most[L] = most[first[q]] + head
        lowest = [[0.0] * (k + 1) for _ in range(total_width + 1)]
        highest = [[float(m)] * (k + 1) for m in most]
    numbers: dict[tuple[int, int, int], tuple[Value, tuple[int, int]] | None] = {}

    def number(st: int, L: int, j: int) -> tuple[Value, tuple[int, int]] | None:
        key = (st, L, j)
        if key not in numbers:
            q = piece_at[L]
            got = piece_number(pieces[q], st - first[q], L - first[q], kinds[j], units[j])
            numbers[key] = got if got is not None and fits_kind(got[0], kinds[j]) else None
        return numbers[key]

    budget = [NODE_CAP]
    wide = cap * 50            # fillings kept per state inside a segment
    blank = Placed(None, None)

    def segment(lo: int, hi: int) -> Callable[[int], list[tuple[tuple[Placed, ...], int]]]:
        own = [(t, parts) for t, parts in sums if lo <= t < hi]
        feeds = {j: tuple(i for i, (_t, parts) in enumerate(own) if j in parts) for j in range(lo, hi)}
        total_of = {t: i for i, (t, _parts) in enumerate(own)}
        closes = {j: tuple(i for i, (_t, parts) in enumerate(own) if min(parts) == j) for j in range(lo, hi)}
        # the sums every cell lo..j feeds: in the first segment all digits left go to those cells
        covers = {j: tuple(i for i, (_t, parts) in enumerate(own) if lo == 0 and set(range(j + 1)) <= set(parts))
                  for j in range(lo, hi)}
        # two totals whose parts differ only by the row's first cell (总计 and 法人或其他组织小计):
        # once both are placed, that cell's value is their difference, read at the row's start
        heads = [(a, b) for a, (_t, pa) in enumerate(own) for b, (_t2, pb) in enumerate(own)
                 if lo == 0 and set(pb) < set(pa) and set(pa) - set(pb) == {0}]
        lead = pieces[0].digits if pieces and not pieces[0].na else ""
        memo: dict[tuple, list[tuple[tuple[Placed, ...], int]]] = {}

        def head_fits(rem: tuple) -> bool:
            for a, b in heads:
                if rem[a] is not None and rem[b] is not None:
                    d = rem[a] - rem[b]
                    if d < 0 or (d > 0 and not lead.startswith(str(d))):
                        return False
            return True

        def options(j: int, L: int, want: int | None) -> list[tuple[Placed, int]]:
            """Each way cell j can take the digits ending at L: its reading, and where the rest ends."""
            only = allowed.get(j)
            zero_ok = (want is None or want == 0) and (only is None or 0 in only)
            out: list[tuple[Placed, int]] = [(blank, L)] if zero_ok else []
            if L == 0:
                return out
            q = piece_at[L]
            pc = pieces[q]
            if pc.na:
                if zero_ok:
                    out.append((Placed(NA, (pc.start, pc.end), pc.doubt), L - 1))
                return out
            if want is not None:
                w = len(str(abs(int(want)))) if want == int(want) else 0
                starts: Iterable[int] = [L - w] if w and L - w >= first[q] else []
            else:
                starts = range(L - 1, first[q] - 1, -1)
            for st in starts:
                got = number(st, L, j)
                if got is None:
                    continue
                value, span = got
                if (want is not None and value != want) or (only is not None and value not in only):
                    continue
                out.append((Placed(value, span, pc.doubt), st))
            return out

        def rec(j: int, L: int, rem: tuple) -> list[tuple[tuple[Placed, ...], int]]:
            """Fillings of cells lo..j from the first L digits; ``rem``: what each total still lacks."""
            key = (j, L, rem)
            hit = memo.get(key)
            if hit is not None:
                return hit
            budget[0] -= 1
            if budget[0] < 0:
                raise _Overflow
            found: list[tuple[tuple[Placed, ...], int]] = []
            memo[key] = found
            if j < lo:
                found.append(((), L))
                return found
            if needed[L] > j + 1:
                return found
            top = highest[L][k]
            for i, r in enumerate(rem):
                if r is not None and not (0 <= r <= top and
                                          (i not in covers[j] or lowest[L][j + 1] <= r <= highest[L][j + 1])):
                    return found
            if heads and not head_fits(rem):
                return found
            want = None
            for i in closes[j]:
                if rem[i] is not None:
                    if want is not None and want != rem[i]:
                        return found
                    want = rem[i]
            for placed, L2 in options(j, L, want):
                v = _num(placed.value)
                nxt = list(rem)
                if j in total_of:
                    nxt[total_of[j]] = v
                for i in feeds[j]:
                    if nxt[i] is not None:
                        nxt[i] -= v
                if any(nxt[i] not in (0, None) for i in closes[j]):
                    continue
                for head, Le in rec(j - 1, L2, tuple(nxt)):
                    found.append((head + (placed,), Le))
                if len(found) > wide:
                    raise _Overflow
            return found

        start = tuple(None for _ in own)
        return lambda L: rec(hi - 1, L, start)

    runners = [segment(bounds[g], bounds[g + 1]) for g in range(len(bounds) - 1)]
    memo: dict[tuple[int, int], list[tuple[Placed, ...]]] = {}

    def prefix(seg: int, L: int) -> list[tuple[Placed, ...]]:
        """Fillings of segments 0..seg from the first L digits, all of them used."""
        if seg < 0:
            return [()] if L == 0 else []
        key = (seg, L)
        if key not in memo:
            got: list[tuple[Placed, ...]] = []
            for fill, L2 in runners[seg](L):
                for rest in prefix(seg - 1, L2):
                    got.append(rest + fill)
                    if len(got) > cap:
                        raise _Overflow
            memo[key] = got
        return memo[key]

    try:
        found = prefix(len(runners) - 1, total_width)
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
    supported = _supported(known, live)
    if supported is None:
        return _fallback(rows, eqs)
    cands.update(supported)
    return cands, sorted(broken)


def _supported(known: dict[str, list[tuple[Value, ...]]], live: list[Equation],
               cap: int = JOINT_CAP) -> dict[str, list[tuple[Value, ...]]] | None:
    """Keep only the candidates that take part in some choice of one split per row satisfying
    every equation. None when no such choice exists.

    For each candidate not yet seen in a whole choice, a depth-first search starting from it
    looks for one: every equation is kept within reach (the least and most its unchosen rows can
    still add, updated as rows are chosen), the candidates that no longer fit are set aside, and
    the row with fewest left goes next. Past ``cap`` search steps the candidates not proven
    impossible are all kept: rows then list more splits than the rules allow, never fewer.
    """
    rows = sorted((r for r, c in known.items() if len(c) > 1 and any(r == t[1] for eq in live for t in eq)),
                  key=lambda r: len(known[r]))
    if not rows:
        return {}
    ambiguous = set(rows)
    low: list[int] = []                 # per equation: least and most it can still come to
    high: list[int] = []
    # per row: (equation, the row's value there for each candidate, its least, its most)
    parts: dict[str, list[tuple[int, list[int], int, int]]] = {r: [] for r in rows}
    for eq in live:
        if not any(r in ambiguous for _, r, _ in eq):
            continue
        e = len(low)
        const = 0
        lo = hi = 0
        for coef, r, c in eq:
            if r in ambiguous:
                values = [coef * _num(v[c]) for v in known[r]]
                parts[r].append((e, values, min(values), max(values)))
                lo += min(values)
                hi += max(values)
            else:
                const += coef * _num(known[r][0][c])
        low.append(const + lo)
        high.append(const + hi)
    picked: dict[str, int] = {}
    seen: dict[str, set[int]] = {r: set() for r in rows}
    steps = [0]

    def choose(r: str, idx: int, sign: int) -> bool:
        """Add (sign 1) or take back (-1) row r's candidate idx; True if every equation can still hold."""
        ok = True
        for e, values, lo, hi in parts[r]:
            low[e] += sign * (values[idx] - lo)
            high[e] += sign * (values[idx] - hi)
            ok = ok and low[e] <= 0 <= high[e]
        return ok

    def fits(r: str, idx: int) -> bool:
        """Could row r take candidate idx, the rows chosen so far as they are?"""
        for e, values, lo, hi in parts[r]:
            if low[e] + values[idx] - lo > 0 or high[e] + values[idx] - hi < 0:
                return False
        return True

    def search(first: tuple[str, int] | None) -> bool:
        """A whole choice extending the rows picked so far (``first`` picked before all else)."""
        steps[0] += 1
        if steps[0] > cap:
            raise _Overflow
        if first is not None:
            r, options = first[0], [first[1]]
        else:
            rest = [(x, [i for i in range(len(known[x])) if fits(x, i)]) for x in rows if x not in picked]
            if not rest:
                for x, idx in picked.items():
                    seen[x].add(idx)
                return True
            r, options = min(rest, key=lambda item: len(item[1]))      # the most constrained row next
            options.sort(key=lambda x: x in seen[r])                  # candidates not yet seen first
        for idx in options:
            ok = choose(r, idx, 1)
            picked[r] = idx
            found = ok and search(None)
            choose(r, idx, -1)
            del picked[r]
            if found:
                return True
        return False

    impossible: dict[str, set[int]] = {r: set() for r in rows}
    try:
        for r in rows:
            for idx in range(len(known[r])):
                if idx not in seen[r] and not search((r, idx)):
                    impossible[r].add(idx)
    except _Overflow:
        pass
    out = {r: [c for i, c in enumerate(known[r]) if i not in impossible[r]] for r in rows}
    if any(not c for c in out.values()):
        return None
    return out


def iter_pinned(cands: Sequence[tuple[Value, ...]]) -> Iterator[tuple[int, bool]]:
    """For each cell position: is its value the same in every candidate?"""
    k = len(cands[0])
    for j in range(k):
        first = cands[0][j]
        yield j, all(type(c[j]) is type(first) and c[j] == first for c in cands)
