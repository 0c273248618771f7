#!/usr/bin/env bash
# Make sure the Debian packages the build (and, with "test", the tests) need are present.
# As root, install what is missing; otherwise stop and say exactly what to install.
set -euo pipefail
need=()
# Not `grep -q`: it stops reading at the first match, ldconfig then dies of SIGPIPE, and with pipefail a library
# that is there counts as missing (seen on a loaded machine: it tried to install libpango).
have_lib() { ldconfig -p 2>/dev/null | grep -F "$1" >/dev/null; }
have_lib libpango-1.0.so.0 || need+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
have_lib libharfbuzz.so.0 || need+=(libharfbuzz0b)
# WeasyPrint cuts font subsets with HarfBuzz; without it, it falls back to fontTools and warns on every PDF.
have_lib libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
# ICU (word segmentation for Khmer, Burmese, Thai) comes prebuilt from PyPI (pyicu-wheels): no compiler needed.
if [ "${1:-build}" = "test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  # The readers' own tools for share/ (issue 12): Kiwix's server and ZIM checker, and EPUBCheck (with its Java).
  command -v kiwix-serve >/dev/null 2>&1 || need+=(kiwix-tools)
  command -v zimcheck >/dev/null 2>&1 || need+=(zim-tools)
  { [ -f /usr/share/java/epubcheck.jar ] && command -v java >/dev/null 2>&1; } || need+=(epubcheck)
  # tests/tools/EpubCheckAll.java runs with `java File.java`, which needs the JDK's compiler, not only a JRE.
  command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing system packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
