#!/usr/bin/env python3
"""Generates Sources/SocketKit/Constants/ConstantTable.swift from this machine's C headers.

Every object-like macro of the seed's constant groups (AF_*, SOCK_*, SO_*, SOL_*, MSG_*,
IPPROTO_*, IPPORT_*, INADDR_*, IP_*, IPV6_*, EAI_*, AI_*, NI_*, TCP_*, TIPC_*, ...) is read
from the headers' text, then a C program prints each value, so the table holds exactly what
the C library and kernel headers define. The headers are found through the compiler's include
search path (`cc -E -v`; $CC picks another compiler), so it runs on x86_64 and aarch64 alike.
Run: python3 scripts/gen-constants.py [--root DIR], where DIR (default: the repository) is the
directory Sources/... is written under.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

parser = argparse.ArgumentParser(description="Generates ConstantTable.swift from the C headers.")
parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                    help="write Sources/... under this directory")
root = parser.parse_args().root

HEADERS = [
    "sys/socket.h", "netinet/in.h", "netinet/tcp.h", "netinet/udp.h", "netdb.h",
    "net/if.h", "netpacket/packet.h", "linux/netlink.h", "linux/tipc.h", "linux/if_ether.h",
]
# The headers whose #defines are scanned for names, found the way the compiler finds them: in its
# include search path (the multiarch directory, such as x86_64-linux-gnu or aarch64-linux-gnu, holds
# bits/ and sys/).
SCANNED = [
    "asm-generic/socket.h", "bits/socket.h", "bits/socket_type.h", "bits/in.h", "netinet/in.h",
    "netinet/tcp.h", "netinet/udp.h", "netdb.h", "linux/tipc.h", "linux/netlink.h", "linux/if_packet.h",
    "sys/socket.h",
]
CC = os.environ.get("CC", "cc")


def include_dirs():
    """The compiler's #include <...> search path, in order, with the multiarch directory in it."""
    r = subprocess.run([CC, "-E", "-v", "-x", "c", "/dev/null", "-o", "/dev/null"], capture_output=True, text=True)
    lines = r.stderr.splitlines()
    try:
        start = lines.index("#include <...> search starts here:") + 1
        end = lines.index("End of search list.", start)
    except ValueError:
        sys.exit(f"gen-constants: `{CC} -E -v` printed no include search list:\n{r.stderr}")
    dirs = [os.path.normpath(line.strip().removesuffix(" (framework directory)")) for line in lines[start:end]]
    multiarch = subprocess.run([CC, "-print-multiarch"], capture_output=True, text=True).stdout.strip()
    if multiarch and os.path.isdir(f"/usr/include/{multiarch}") and f"/usr/include/{multiarch}" not in dirs:
        at = dirs.index("/usr/include") if "/usr/include" in dirs else len(dirs)
        dirs.insert(at, f"/usr/include/{multiarch}")
    return dirs


def find_header(name, dirs):
    for directory in dirs:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    return None


search = include_dirs()
FILES = []
for header in SCANNED:
    path = find_header(header, search)
    if path:
        FILES.append(path)
    else:
        print(f"gen-constants: note: {header} is not in {search}", file=sys.stderr)
if not FILES:
    sys.exit(f"gen-constants: none of {SCANNED} found in {search}")
GROUPS = ["AF", "PF", "SOCK", "SO", "SOL", "SCM", "MSG", "SHUT", "IPPROTO", "IPPORT", "INADDR", "IP",
          "IPV6", "EAI", "AI", "NI", "TCP", "UDP", "TIPC", "PACKET", "NETLINK"]
SKIP = re.compile(r"^(IP_MSFILTER_SIZE|.*_H|.*_DEFINED|TCP_CA_NAME_MAX_unused|SOCK_MAX|PACKET_MR_.*_unused)$")

names = set()
for path in FILES:
    for line in open(path, errors="replace"):
        m = re.match(r"\s*#\s*define\s+([A-Z][A-Z0-9_]*)(\(?)", line)
        if not m or m.group(2) == "(":
            continue
        name = m.group(1)
        group = name.split("_")[0]
        if name == "SOMAXCONN" or (group in GROUPS and "_" in name and not SKIP.match(name)):
            names.add(name)
# enum members of glibc headers (IPPROTO_*, SOCK_*, MSG_*, SHUT_*) are also macros of themselves.
names = sorted(names)

def program(candidates):
    lines = ["#define _GNU_SOURCE 1"] + [f"#include <{h}>" for h in HEADERS] + ["#include <stdio.h>", "int main(void) {"]
    for n in candidates:
        lines.append(f'#ifdef {n}\n  printf("%s %lld\\n", "{n}", (long long)({n}));\n#endif')
    lines.append("return 0; }")
    return "\n".join(lines)

work = tempfile.mkdtemp()
src, exe = os.path.join(work, "c.c"), os.path.join(work, "c")
candidates = list(names)
for _ in range(20):
    open(src, "w").write(program(candidates))
    r = subprocess.run([CC, "-w", "-o", exe, src], capture_output=True, text=True)
    if r.returncode == 0:
        break
    bad = set()
    for m in re.finditer(r"c\.c:(\d+):", r.stderr):
        text = open(src).read().splitlines()[int(m.group(1)) - 1]
        k = re.search(r'"([A-Z0-9_]+)"', text)
        if k:
            bad.add(k.group(1))
    if not bad:
        sys.exit(r.stderr)
    candidates = [c for c in candidates if c not in bad]
values = [line.split() for line in subprocess.run([exe], capture_output=True, text=True, check=True).stdout.splitlines()]
shutil.rmtree(work)

out = ["// Generated by scripts/gen-constants.py from this machine's C headers. Do not edit.",
       "// swift-format-ignore-file", "",
       "extension SocketConstants {", "    /// Every constant of the seed's groups, as the C headers define it: (name, value).",
       "    static let table: [(name: String, value: Int64)] = ["]
for n, v in values:
    out.append(f'        ("{n}", {v}),')
out += ["    ]", "}", ""]
dest = os.path.join(root, "Sources", "SocketKit", "Constants", "ConstantTable.swift")
os.makedirs(os.path.dirname(dest), exist_ok=True)
open(dest, "w").write("\n".join(out))
print(f"{len(values)} constants written to {os.path.normpath(dest)}")
