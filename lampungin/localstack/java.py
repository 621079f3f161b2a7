"""Finding a Java that can run DynamoDB Local (17 or newer), and installing one with apt-get as
root on Debian or Ubuntu, the one place we install it ourselves; elsewhere `JavaMissing` says how.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .notices import Unavailable, say

JAVA_MAJOR = 17                  # DynamoDB Local's classes are Java 17 (class file 61)
INSTALL_JAVA = ("install Java 17: Debian/Ubuntu `sudo apt-get install openjdk-17-jre-headless`, "
                "macOS `brew install openjdk@17`, Windows `winget install Microsoft.OpenJDK.17`")


class JavaMissing(Unavailable):
    pass


@dataclass(frozen=True)
class Java:
    path: str
    major: int


def _java_candidates() -> list[str]:
    found = []
    home = os.environ.get("JAVA_HOME")
    if home:
        found.append(str(Path(home) / "bin" / ("java.exe" if os.name == "nt" else "java")))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    # Homebrew's openjdk@17 is keg-only: `brew install openjdk@17` does not put it on PATH.
    for prefix in ("/opt/homebrew/opt", "/usr/local/opt"):
        found += [f"{prefix}/openjdk@17/bin/java", f"{prefix}/openjdk/bin/java"]
    return found


def java_major(version_output: str) -> int | None:
    """17 from `openjdk version "17.0.15"`, 8 from `java version "1.8.0_392"`."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not match:
        return None
    first = int(match.group(1))
    return int(match.group(2) or 0) if first == 1 else first


def find_java() -> Java:
    """A Java that can run DynamoDB Local, or JavaMissing saying what was found and how to
    install one. Runs `java -version`: macOS has a /usr/bin/java stub without any Java behind it."""
    seen = []
    for path in dict.fromkeys(_java_candidates()):
        if not os.path.isfile(path) or not os.access(path, os.X_OK):
            continue
        try:
            done = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            seen.append(f"{path} does not run ({exc.__class__.__name__})")
            continue
        major = java_major(done.stderr + done.stdout) if done.returncode == 0 else None
        if major is None:
            seen.append(f"{path} does not run")
        elif major < JAVA_MAJOR:
            seen.append(f"{path} is Java {major}")
        else:
            return Java(path, major)
    found = f" ({'; '.join(seen)})" if seen else ""
    raise JavaMissing(f"DynamoDB Local needs Java {JAVA_MAJOR} or newer and none was found"
                      f"{found}; {INSTALL_JAVA}")


def can_install_java() -> bool:
    """apt-get as root on Debian or Ubuntu: the one place we install Java ourselves."""
    return (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0
            and Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None)


def install_java() -> bool:
    """`apt-get install openjdk-17-jre-headless` (Debian 13 has no 17: its default JRE is newer).
    Output goes to the terminal; True if it installed something."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    say("installing Java with apt-get ...")
    try:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        for package in ("openjdk-17-jre-headless", "default-jre-headless"):
            done = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends",
                                   package], env=env, check=False)
            if done.returncode == 0:
                return True
    except OSError:
        pass
    return False
