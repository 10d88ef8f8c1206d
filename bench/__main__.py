"""Run every benchmark module that exists: `python -m bench [feeds|reports ...]`."""

import importlib
import sys

MODULES = ["feeds", "reports", "search", "lists", "api"]


def main(argv: list[str]) -> None:
    for name in argv or MODULES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            print(f"(no benchmark bench/{name}.py yet)")
            continue
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
