"""deploy/Dockerfile, built without Docker: its steps replayed in a scratch folder, one root per stage.

Each stage's absolute paths live under its own root (scratch/build/..., scratch/final/...), the build context
is the repository less what .dockerignore leaves out, `RUN uv ...` runs the pinned uv, `COPY --from` copies
between roots, and the final stage's ENTRYPOINT runs `--help` from the final root with the build root gone:
an interpreter path or script that only worked where the virtualenv was built fails here as it would in the
image. The base image's own steps (pip install of uv, useradd) are not replayed; uv's version is checked.
"""

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).parents[2]
DOCKERFILE = REPO / "deploy" / "Dockerfile"


@dataclass
class Stage:
    root: Path
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] = field(default_factory=list)

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    def rooted(self, text: str) -> str:
        """A value with its absolute paths (/app/..., /src/...) moved under this stage's root."""
        return re.sub(r"(?<![\w.$])/(app|src)(?=/|\b)", lambda m: str(self.root / m.group(1)), text)


def instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def ignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(relative: Path, patterns: list[str]) -> bool:
    parts = relative.parts
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        for pattern in patterns:
            if pattern.startswith("**/") and fnmatch.fnmatchcase(parts[depth - 1], pattern[3:]):
                return True
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
    return False


def copy_from_context(source: str, target: Path, patterns: list[str]) -> None:
    origin = REPO / source
    assert not ignored(Path(source), patterns), f"COPY {source}: .dockerignore leaves it out of the context"
    files = [origin] if origin.is_file() else [p for p in origin.rglob("*") if p.is_file()]
    for file in files:
        relative = file.relative_to(REPO)
        if ignored(relative, patterns):
            continue
        destination = target / file.name if origin.is_file() else target / file.relative_to(origin)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, destination)


def uv_binary() -> str:
    """The uv running these tests (`uv run` says where in UV), else the one on PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        pytest.skip("no uv binary to replay the build with (run the tests with `python3 -m uv run pytest`)")
    return found


def run_uv(stage: Stage, command: str) -> None:
    words = shlex.split(stage.rooted(command))
    assert words[0] == "uv", f"only uv runs in the build stage's RUN steps here: {command}"
    env = {**os.environ, **stage.env, "UV_PYTHON": sys.executable}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run([uv_binary(), *words[1:]], cwd=stage.path(stage.workdir), env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"RUN {command} failed: {result.stderr[-3000:]}"


def replay(scratch: Path) -> Stage:
    """Every stage of the Dockerfile in order; the final stage."""
    stages: dict[str, Stage] = {}
    stage: Stage | None = None
    patterns = ignore_patterns()
    for keyword, rest in instructions(DOCKERFILE.read_text()):
        if keyword == "FROM":
            name = rest.split(" AS ")[1].strip() if " AS " in rest else f"stage{len(stages)}"
            stage = stages[name] = Stage(scratch / name)
        elif keyword in ("ARG", "USER") or stage is None:
            continue
        elif keyword == "WORKDIR":
            stage.workdir = rest
            stage.path(rest).mkdir(parents=True, exist_ok=True)
        elif keyword == "ENV":
            for pair in shlex.split(rest):
                key, value = pair.split("=", 1)
                stage.env[key] = stage.rooted(value).replace("$PATH", os.environ["PATH"])
        elif keyword == "COPY":
            *sources, target = shlex.split(rest)
            if sources[0].startswith("--from="):
                origin = stages[sources[0].split("=", 1)[1]]
                shutil.copytree(origin.path(sources[1]), stage.path(target), symlinks=True)
            else:
                base = stage.path(target if target.startswith("/") else f"{stage.workdir}/{target}")
                for source in sources:
                    copy_from_context(source, base, patterns)
        elif keyword == "RUN":
            for command in rest.split("&&"):
                if command.split()[0] in ("pip", "useradd"):
                    continue
                run_uv(stage, command.strip())
        elif keyword == "ENTRYPOINT":
            stage.entrypoint = json.loads(rest)
    return stage


def test_the_images_entrypoint_answers_help_from_its_final_location_with_the_build_stage_gone(tmp_path):
    final = replay(tmp_path)
    shutil.rmtree(tmp_path / "build")  # nothing in the final stage may point into the build stage
    command = [final.rooted(final.entrypoint[0]), *final.entrypoint[1:], "--help"]
    env = {"PATH": final.env["PATH"], **{k: v for k, v in final.env.items() if k.startswith(("SELLEROPS_", "PYTHON"))}}
    try:
        result = subprocess.run(command, cwd=final.path(final.workdir), env=env, capture_output=True, text=True,
                                timeout=120)
    except FileNotFoundError as exc:  # the script's interpreter (its shebang) is not where the image has it
        pytest.fail(f"the entrypoint {final.entrypoint} cannot start in the final stage: {exc}")
    assert result.returncode == 0, f"{command} failed: {result.stderr[-3000:]}"
    assert "sellerops" in result.stdout and "run" in result.stdout and "up" in result.stdout
    scripted = subprocess.run([str(final.path("/app/.venv/bin/sellerops")), "run", "--help"], env=env,
                              capture_output=True, text=True, timeout=120)
    assert scripted.returncode == 0, f"the sellerops script of the image does not start: {scripted.stderr[-2000:]}"
    nats_server = subprocess.run([str(final.path("/app/.venv/bin/nats-server")), "--version"], capture_output=True,
                                 text=True, timeout=30)
    assert nats_server.stdout.startswith("nats-server: v"), "the image carries nats-server for `sellerops up`"


def test_the_image_builds_with_the_uv_that_ci_pins_and_both_stages_from_one_base_image():
    text = DOCKERFILE.read_text()
    ci_uv = re.search(r"uv==([\d.]+)", (REPO / ".ci" / "run").read_text()).group(1)
    assert re.findall(r"uv==([\d.]+)", text) == [ci_uv]
    assert [rest for keyword, rest in instructions(text) if keyword == "FROM"] == [
        "${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_the_build_context_leaves_out_local_environments_and_caches_but_not_what_the_build_copies():
    patterns = ignore_patterns()
    for junk in (".venv/bin/python", "services/orders/.venv/x", "shared/src/sellerops/__pycache__/a.pyc", ".git/HEAD"):
        assert ignored(Path(junk), patterns), junk
    for needed in ("uv.lock", "pyproject.toml", "shared/README.md", "services/orders/src/sellerops/orders/app.py"):
        assert not ignored(Path(needed), patterns), needed
