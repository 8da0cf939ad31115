"""The research export's SPSS file, written in a process of its own without Django.

pyreadstat writes a .sav only from a pandas DataFrame, and importing pandas costs a
process ~50 MB that it never gives back: in the worker it would put the export over its
100 MB and leave every later task carrying pandas. So the worker writes the wide table as
JSON lines (``evaluation.exports.write_data``) and a spec of its variables, and runs this
file on them (``python evaluation/sav_writer.py SPEC``); it imports only pandas and
pyreadstat. The columns are built one by one, numbers as float64 arrays, so the table is
held once, compactly.

The spec (JSON): ``rows`` (the JSON-lines file, one list of cells per row), ``out`` (the
.sav path), ``columns`` and ``kinds`` (per column "text", "number" or "date"), and what
pyreadstat takes as they are: ``labels``, ``formats``, ``measures``, and
``value_labels`` as {variable: [[value, label], …]}.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from array import array
from pathlib import Path

TEXT, NUMBER, DATE = "text", "number", "date"


def write(spec: dict) -> None:
    import numpy as np
    import pandas as pd
    import pyreadstat

    columns, kinds = spec["columns"], spec["kinds"]
    values: list[array | list] = [array("d") if kind == NUMBER else [] for kind in kinds]
    nan = float("nan")
    with Path(spec["rows"]).open(encoding="utf-8") as rows:
        for line in rows:
            for position, cell in enumerate(json.loads(line)):
                kind = kinds[position]
                if kind == NUMBER:
                    values[position].append(nan if cell is None else float(cell))
                elif kind == DATE:
                    values[position].append(dt.date.fromisoformat(cell) if cell else None)
                else:
                    values[position].append("" if cell is None else str(cell))
    frame = pd.DataFrame(
        {
            name: _series(pd, np, kind, column)
            for name, kind, column in zip(columns, kinds, values, strict=True)
        },
        columns=columns,
    )
    pyreadstat.write_sav(
        frame,
        spec["out"],
        column_labels=spec["labels"],
        variable_value_labels={
            name: {float(value): label for value, label in pairs}
            for name, pairs in spec["value_labels"].items()
        },
        variable_format=spec["formats"],
        variable_measure=spec["measures"],
    )


def _series(pd, np, kind: str, column):
    if kind == NUMBER:
        return pd.Series(np.asarray(column, dtype="float64"))
    series = pd.Series(column, dtype=object)
    return series if kind == DATE else series.astype(str)


if __name__ == "__main__":
    write(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
