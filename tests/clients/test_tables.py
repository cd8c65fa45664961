"""Tables printed for people and spreadsheets (clients/tables.write_table)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from probity.clients.tables import write_table

_CELL = st.text(max_size=30)


@given(st.lists(st.lists(_CELL, min_size=3, max_size=3), max_size=5))
def test_any_cell_text_keeps_each_table_in_shape(rows: list[list[str]]) -> None:
    header = ["a", "b", "c"]
    out = io.StringIO(newline="")
    write_table(rows, header, "csv", out)
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [header, *rows]
    out = io.StringIO()
    write_table(rows, header, "markdown", out)
    lines = out.getvalue().split("\n")[:-1]
    assert len(lines) == len(rows) + 2  # a cell's newline never starts another row
    for line in lines[2:]:  # a cell's "|" never makes another column
        unescaped = line.replace("\\\\", "").replace("\\|", "")
        assert unescaped.count("|") == 4
    out = io.StringIO()
    write_table(rows, header, "tsv", out)
    assert all(line.count("\t") == 2 for line in out.getvalue().split("\n")[:-1])
