#!/usr/bin/env bash
# Refresh the vendored front-end assets under yixian/static/vendor/.
#
# yixian runs on intranets with no internet access, so every browser asset is
# committed to the repo. This script is the ONLY way those files should change:
# it downloads exact, pinned package versions from the npm registry into a
# temporary directory, copies the few dist files we use, applies the documented
# edits, checks that nothing would make the browser load an external URL, and
# regenerates yixian/static/vendor/MANIFEST.md.
#
# It needs npm and network access to the npm registry. It is deliberately NOT
# wired into any make target (demo/test/CI must never run it). Run it by hand:
#
#     bash scripts/vendor.sh
#
# then review `git diff --stat yixian/static/vendor` and commit.
# To upgrade a package, edit the pinned version below, rerun, and test the UI.
set -euo pipefail

# ---- pinned versions ---------------------------------------------------------
TABLER_CORE_VERSION="1.6.1"        # @tabler/core, stay on 1.x
TABLER_ICONS_VERSION="3.49.0"      # @tabler/icons-webfont, stay on 3.x
HTMX_VERSION="2.0.11"              # htmx.org, stay on 2.0.x (NOT 3.x/4.x)
ECHARTS_VERSION="6.1.0"            # echarts, stay on 6.x
# ------------------------------------------------------------------------------

if [[ -n "${CI:-}" && "${YIXIAN_VENDOR_FORCE:-}" != "1" ]]; then
    echo "vendor.sh: refusing to run under CI (set YIXIAN_VENDOR_FORCE=1 to override)" >&2
    exit 2
fi
command -v npm >/dev/null || { echo "vendor.sh: npm not found" >&2; exit 2; }
command -v node >/dev/null || { echo "vendor.sh: node not found" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/yixian/static/vendor"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/yixian-vendor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# fetch SPEC DIR: download the package tarball (no dependencies, no install
# scripts; npm checks the registry's integrity hash) and unpack it into DIR.
fetch() {
    local spec="$1" dir="$2" tgz
    tgz="$(cd "$WORK" && npm pack "$spec" --silent --pack-destination "$WORK" | tail -n 1)"
    mkdir -p "$dir"
    tar -xzf "$WORK/$tgz" -C "$dir" --strip-components=1
}

echo "Fetching pinned packages into $WORK ..."
fetch "@tabler/core@$TABLER_CORE_VERSION"          "$WORK/pkg/tabler-core"
fetch "@tabler/icons-webfont@$TABLER_ICONS_VERSION" "$WORK/pkg/tabler-icons"
fetch "htmx.org@$HTMX_VERSION"                      "$WORK/pkg/htmx"
fetch "echarts@$ECHARTS_VERSION"                    "$WORK/pkg/echarts"

# Sanity: the tarballs really are the versions we pinned.
pkgver() { node -p "require('$1/package.json').version"; }
for pair in "tabler-core:$TABLER_CORE_VERSION" "tabler-icons:$TABLER_ICONS_VERSION" \
            "htmx:$HTMX_VERSION" "echarts:$ECHARTS_VERSION"; do
    d="${pair%%:*}"; want="${pair#*:}"; got="$(pkgver "$WORK/pkg/$d")"
    [[ "$got" == "$want" ]] || { echo "vendor.sh: $d is $got, expected $want" >&2; exit 1; }
done

# Stage everything in $OUT first; $DEST is only touched once all checks pass.
OUT="$WORK/out"
mkdir -p "$OUT/tabler" "$OUT/tabler-icons/fonts" "$OUT/htmx" "$OUT/echarts/licenses"

P="$WORK/pkg"
cp "$P/tabler-core/dist/css/tabler.min.css"           "$OUT/tabler/"
cp "$P/tabler-core/dist/js/tabler.min.js"             "$OUT/tabler/"
cp "$P/tabler-icons/dist/tabler-icons.min.css"        "$OUT/tabler-icons/"
cp "$P/tabler-icons/dist/fonts/tabler-icons.woff2"    "$OUT/tabler-icons/fonts/"
cp "$P/tabler-icons/LICENSE"                          "$OUT/tabler-icons/"
cp "$P/htmx/dist/htmx.min.js"                         "$OUT/htmx/"
cp "$P/htmx/LICENSE"                                  "$OUT/htmx/"
cp "$P/echarts/dist/echarts.min.js"                   "$OUT/echarts/"
cp "$P/echarts/LICENSE" "$P/echarts/NOTICE"           "$OUT/echarts/"
cp "$P/echarts/licenses/LICENSE-d3"                   "$OUT/echarts/licenses/"

# ---- documented edits ----------------------------------------------------------
# 1. Tabler: drop the trailing `/*# sourceMappingURL=... */` comments. The .map
#    files are not vendored; the comment would make DevTools request a missing
#    file and makes Django's ManifestStaticFilesStorage fail in collectstatic.
sed -i -E '/^\/\*# sourceMappingURL=.*\*\/$/d; /^\/\/# sourceMappingURL=.*$/d' \
    "$OUT/tabler/tabler.min.css" "$OUT/tabler/tabler.min.js"
# 2. Tabler Icons: the @font-face lists woff2, woff and ttf. Only woff2 is
#    vendored (every browser Tabler 1.x / htmx 2 support reads woff2), so the
#    woff and ttf entries are removed from `src:`.
sed -i -E 's#,url\("\./fonts/tabler-icons\.woff\?[^"]*"\) format\("woff"\)##; s#,url\("\./fonts/tabler-icons\.ttf\?[^"]*"\) format\("truetype"\)##' \
    "$OUT/tabler-icons/tabler-icons.min.css"

# ---- checks -----------------------------------------------------------------------
fail=0
check() { echo "vendor.sh: CHECK FAILED: $*" >&2; fail=1; }

grep -q 'sourceMappingURL' "$OUT/tabler/tabler.min.css" "$OUT/tabler/tabler.min.js" \
    && check "sourceMappingURL still present in tabler files"
grep -q 'src:url("./fonts/tabler-icons.woff2?v[0-9.]*") format("woff2")}' "$OUT/tabler-icons/tabler-icons.min.css" \
    || check "tabler-icons @font-face is not the expected woff2-only src"
grep -Eq 'tabler-icons\.(woff|ttf)[?"]' "$OUT/tabler-icons/tabler-icons.min.css" \
    && check "tabler-icons CSS still references woff/ttf fonts"
# ECharts ships the ZH locale inside the full build (echarts.init(el, null, {locale: 'ZH'})).
grep -q '区域缩放还原' "$OUT/echarts/echarts.min.js" \
    || check "built-in ZH locale not found in echarts.min.js"
grep -q "version:\"$HTMX_VERSION\"" "$OUT/htmx/htmx.min.js" \
    || check "htmx.min.js does not report version $HTMX_VERSION"

# Every relative url(...) in vendored CSS must resolve to a vendored file.
while IFS= read -r css; do
    while IFS= read -r ref; do
        rel="${ref%%[?#]*}"
        [[ -f "$(dirname "$css")/$rel" ]] || check "$css references missing file $ref"
    done < <(grep -oE 'url\("?[^")]*"?\)' "$css" | sed -E 's/^url\("?//; s/"?\)$//' \
             | grep -vE '^(data:|#)' || true)
done < <(find "$OUT" -name '*.css')

# Nothing the browser would fetch from outside: url(http..|//..), @import,
# src="http.., known web-font hosts.
if grep -nEo "url\([\"']?(https?:)?//[^)]{0,80}|@import[^;]{0,80}|src=[\"']?(https?:)?//[^ ]{0,80}|fonts\.(googleapis|gstatic)\.com|rsms\.me" \
        $(find "$OUT" -name '*.css' -o -name '*.js'); then
    check "possible external load found (see lines above)"
fi

[[ "$fail" == 0 ]] || { echo "vendor.sh: aborting, $DEST left unchanged" >&2; exit 1; }

# ---- install ------------------------------------------------------------------------
mkdir -p "$DEST"
for d in tabler tabler-icons htmx echarts; do
    rm -rf "${DEST:?}/$d"
    cp -R "$OUT/$d" "$DEST/$d"
done

# ---- MANIFEST.md --------------------------------------------------------------------
row() { # path package version licence
    local f="$DEST/$1"
    printf '| `%s` | `%s` | %s | %s | %s | `%s` |\n' "$1" "$2" "$3" "$4" \
        "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -c1-16)"
}
{
cat <<EOF
# Vendored front-end assets

yixian runs on intranets without internet access, so every browser asset is
committed here and served by Django's staticfiles. Nothing in this directory
may load anything from outside the server.

**Do not edit these files by hand.** They are produced by \`scripts/vendor.sh\`
(which also regenerates this file). To refresh or upgrade, change the pinned
versions at the top of that script and run \`bash scripts/vendor.sh\` on a
machine that can reach the npm registry, then review and commit. The script is
not part of \`make demo\`, \`make test\` or CI.

## Packages

| package | exact version | licence (package.json) | refresh command |
| --- | --- | --- | --- |
| \`@tabler/core\` | $TABLER_CORE_VERSION | MIT | \`npm pack @tabler/core@$TABLER_CORE_VERSION\` |
| \`@tabler/icons-webfont\` | $TABLER_ICONS_VERSION | MIT (no \`license\` field in its package.json; its LICENSE file and the \`@tabler/icons\` package.json say MIT) | \`npm pack @tabler/icons-webfont@$TABLER_ICONS_VERSION\` |
| \`htmx.org\` | $HTMX_VERSION | 0BSD | \`npm pack htmx.org@$HTMX_VERSION\` |
| \`echarts\` | $ECHARTS_VERSION | Apache-2.0 | \`npm pack echarts@$ECHARTS_VERSION\` |

All of them are refreshed together by \`bash scripts/vendor.sh\`.

## Files

Paths are relative to \`yixian/static/vendor/\` (in templates:
\`{% static 'vendor/<path>' %}\`). sha256 is truncated to 16 hex digits.

| file | package | version | licence | bytes | sha256 |
| --- | --- | --- | --- | --- | --- |
EOF
row tabler/tabler.min.css               "@tabler/core"          "$TABLER_CORE_VERSION"  MIT
row tabler/tabler.min.js                "@tabler/core"          "$TABLER_CORE_VERSION"  MIT
row tabler-icons/tabler-icons.min.css   "@tabler/icons-webfont" "$TABLER_ICONS_VERSION" MIT
row tabler-icons/fonts/tabler-icons.woff2 "@tabler/icons-webfont" "$TABLER_ICONS_VERSION" MIT
row tabler-icons/LICENSE                "@tabler/icons-webfont" "$TABLER_ICONS_VERSION" MIT
row htmx/htmx.min.js                    "htmx.org"              "$HTMX_VERSION"         0BSD
row htmx/LICENSE                        "htmx.org"              "$HTMX_VERSION"         0BSD
row echarts/echarts.min.js              "echarts"               "$ECHARTS_VERSION"      Apache-2.0
row echarts/LICENSE                     "echarts"               "$ECHARTS_VERSION"      Apache-2.0
row echarts/NOTICE                      "echarts"               "$ECHARTS_VERSION"      Apache-2.0
row echarts/licenses/LICENSE-d3         "echarts"               "$ECHARTS_VERSION"      "BSD-3-Clause (d3 code bundled in echarts)"
cat <<EOF

Source paths inside the npm packages: \`dist/css/tabler.min.css\`,
\`dist/js/tabler.min.js\` (Popper is bundled in it), \`dist/tabler-icons.min.css\`,
\`dist/fonts/tabler-icons.woff2\`, \`dist/htmx.min.js\`, \`dist/echarts.min.js\`,
plus the packages' own LICENSE / NOTICE files (\`@tabler/core\` ships no
separate LICENSE file; its MIT notice is in the header of both files).

## Edits made to upstream files

1. \`tabler/tabler.min.css\`, \`tabler/tabler.min.js\`: the trailing
   \`sourceMappingURL\` comment is removed. The \`.map\` files are not vendored;
   the comment would make browser DevTools request a missing file, and Django's
   \`ManifestStaticFilesStorage\` fails \`collectstatic\` on a missing referenced file.
2. \`tabler-icons/tabler-icons.min.css\`: the \`@font-face\` \`src\` listed woff2,
   woff and ttf. Only the woff2 font is vendored, so the woff and ttf entries
   were removed; it now reads
   \`src:url("./fonts/tabler-icons.woff2?v$TABLER_ICONS_VERSION") format("woff2")\`.
   All browsers supported by Tabler 1.x and htmx 2 read woff2.

No other byte is changed.

## External-URL audit

\`scripts/vendor.sh\` refuses to install the files if any vendored CSS/JS has
\`url(http…)\`/\`url(//…)\`, \`@import\`, \`src="http…"\`, or a Google Fonts /
rsms.me reference, or if a relative \`url()\` points at a file not vendored.
URLs that remain are never fetched by the browser:

- \`tabler.min.css\`: \`http://www.w3.org/2000/svg\` as the \`xmlns\` inside inline
  \`data:image/svg+xml\` images (23×); tabler.io and the GitHub LICENSE link in
  the licence comment. Tabler 1.x uses the system font stack
  (\`system-ui, -apple-system, … sans-serif\`); there is no web-font import.
- \`tabler.min.js\`: the SVG namespace string \`http://www.w3.org/2000/svg\`;
  tabler.io, the GitHub LICENSE link and popper.js.org docs links in comments /
  error-message strings.
- \`tabler-icons.min.css\`: tabler.io and the GitHub LICENSE link in the licence
  comment. Its only \`url()\` is the relative \`./fonts/tabler-icons.woff2\`.
- \`htmx.min.js\`: no URLs at all.
- \`echarts.min.js\`: XML/SVG/XLink namespace strings (\`www.w3.org\`), and the
  Apache-2.0 and zrender licence links in comments.

## Notes for templates

- ECharts: the full build contains both the \`ZH\` and \`EN\` locales; use
  \`echarts.init(el, null, {locale: 'ZH'})\`. No separate i18n file is needed.
- Tabler Icons: \`<i class="ti ti-home"></i>\`.
- htmx 2.0.x: by default it injects a small inline \`<style>\` for
  \`.htmx-indicator\`; with a strict CSP set \`htmx.config.includeIndicatorStyles = false\`
  (e.g. \`<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>\`)
  and style indicators in our own CSS.
EOF
} > "$DEST/MANIFEST.md"

echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f | sort | xargs ls -l)
du -sh "$DEST"
