#!/usr/bin/env bash
# Checks (and, as root on Debian, installs) the system packages the build needs;
# with --test, also those the tests need. Says exactly what is missing when it cannot install it.
set -euo pipefail

# Debian package -> a file that proves it is there.
declare -A NEEDS=(
  [python3-venv]="python3 -c 'import ensurepip'"
  [libpango-1.0-0]="/usr/lib/*/libpango-1.0.so.0"
  [libpangoft2-1.0-0]="/usr/lib/*/libpangoft2-1.0.so.0"
  [fonts-dejavu-core]="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"     # social-media pictures (site/og.py)
  [fonts-noto-core]="/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"   # the zine's fonts (theme/zine/fonts.yml)
  [poppler-utils]="/usr/bin/pdftoppm"                                         # handouts as pictures (zine/render.py)
  [ffmpeg]="/usr/bin/ffmpeg"                                                  # recordings re-encoded without metadata (audio.py)
)

if [ "${1:-}" = "--test" ]; then
  # Debian's Chromium drives the browser tests: never a browser download.
  NEEDS[chromium]="/usr/bin/chromium"
  command -v npm >/dev/null || NEEDS[npm]="command -v npm"      # Node for axe-core and Lighthouse
  NEEDS[default-jre-headless]="command -v java"                  # the Nu Html Checker (vnu.jar, tests/test_html.py)
fi

missing=()
for pkg in "${!NEEDS[@]}"; do
  probe=${NEEDS[$pkg]}
  if [[ $probe == /* ]]; then
    compgen -G "$probe" >/dev/null || missing+=("$pkg")
  else
    eval "$probe" >/dev/null 2>&1 || missing+=("$pkg")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Install them with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
