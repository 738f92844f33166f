"""A second opinion on pipec's Argo output: Hera's models of the Argo API (PyPI `hera`).

Reads JSON files, each one Workflow or CronWorkflow. Each is read by the model of its kind
(`model_validate`) and written back (`model_dump(by_alias=True, exclude_unset=True)`); since
Hera ignores fields it does not know, the round trip must give the input back unchanged, or a
field pipec wrote is one Argo does not have. Exits 1 with the differences.
"""

import json
import sys

from hera.workflows.models import CronWorkflow, Workflow

MODELS = {"Workflow": Workflow, "CronWorkflow": CronWorkflow}


def differences(path, a, b, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in b:
                out.append(f"{path}.{key}: dropped by Hera (not an Argo field?)")
            elif key not in a:
                out.append(f"{path}.{key}: added by Hera")
            else:
                differences(f"{path}.{key}", a[key], b[key], out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            differences(f"{path}[{i}]", x, y, out)
    elif a != b:
        out.append(f"{path}: {a!r} became {b!r}")


def main(paths):
    failed = False
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        model = MODELS[doc["kind"]]
        back = model.model_validate(doc).model_dump(by_alias=True, exclude_unset=True, mode="json")
        out = []
        differences(doc["kind"], doc, back, out)
        if out:
            failed = True
            print(f"{path}:\n  " + "\n  ".join(out))
        else:
            print(f"{path}: {doc['kind']} {doc['metadata']['name']} read by Hera unchanged")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
