"""Print a wheel's Requires-Dist lines that apply to this Python, without extras.

Used by lock-requirements.sh: Rasa 3.6.21 declares Python <3.11, so pip will not
resolve it directly; we install its dependency list ourselves instead.
"""
import sys
import zipfile
from email.parser import Parser

from packaging.requirements import Requirement

# Rasa's own bound has no wheels for Python 3.11 (shared/rasa-py311.md).
OVERRIDES = {"matplotlib": "matplotlib>=3.6,<3.8"}
AS_IF_310 = {"extra": "", "python_version": "3.10", "python_full_version": "3.10.13"}


def main(wheel_path: str) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(wheel.read(name).decode())
    for line in metadata.get_all("Requires-Dist") or []:
        req = Requirement(line)
        # Rasa drops numpy, scipy, scikit-learn and dask on 3.11 through markers like
        # `python_version < "3.11"`; read them as for 3.10 so they stay in the list
        # (constraints-py311.txt then bounds them to releases with 3.11 wheels).
        if req.marker and not req.marker.evaluate(AS_IF_310):
            continue
        if req.name.lower() == "rasa-sdk":
            continue  # installed on its own with --no-deps
        req.marker = None
        print(OVERRIDES.get(req.name.lower(), req))


if __name__ == "__main__":
    main(sys.argv[1])
