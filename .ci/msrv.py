"""The Rust version the workspace states (Cargo.toml's rust-version, also in README.md) must be at
least the highest rust-version of any locked dependency: otherwise the stated toolchain cannot
build the project. Prints the packages that set the bar."""

import json
import re
import subprocess
import sys
import tomllib

stated = tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["rust-version"]
metadata = json.loads(
    subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"], check=True, capture_output=True).stdout
)


def version(text):
    return tuple(int(part) for part in text.split("."))[:2]


needed = max(version(p["rust_version"]) for p in metadata["packages"] if p.get("rust_version"))
setters = sorted(p["name"] for p in metadata["packages"] if p.get("rust_version") and version(p["rust_version"]) == needed)
readme = re.search(r"Rust installed \((\d+\.\d+) or newer\)", open("README.md").read())
print(f"stated {stated}; the locked dependencies need {needed[0]}.{needed[1]} ({', '.join(setters[:4])})")
if version(stated) < needed:
    sys.exit(f"rust-version {stated} is below what the dependencies need: raise it in Cargo.toml and README.md")
if not readme or readme.group(1) != stated:
    sys.exit(f"README.md must say 'Rust installed ({stated} or newer)'")
