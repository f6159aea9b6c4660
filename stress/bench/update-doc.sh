#!/bin/sh
# update-doc.sh RESULTS_DIR DOC MACHINE CHARTS...
#
# Puts the report xbeam-bench wrote into RESULTS_DIR (results.md and the
# PNG charts) into DOC as the section of MACHINE (e.g. 2core), replacing the
# previous section of that machine, and copies the named charts next to DOC
# as bench-MACHINE-WORKLOAD.png. The section records the commit measured.
# make bench-doc runs it; see docs/benchmarks.md.
set -eu
results=$1 doc=$2 machine=$3
shift 3
begin="<!-- begin xbeam-bench report: $machine -->"
end="<!-- end xbeam-bench report: $machine -->"
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- . ':!docs' || commit="$commit with uncommitted changes"
dir=$(dirname "$doc")

section=$(mktemp)
trap 'rm -f "$section" "$section.new"' EXIT
{
	echo "$begin"
	echo
	echo "## Report: $machine"
	echo
	echo "- commit: $commit"
	# results.md without its first line (the do-not-edit marker).
	tail -n +2 "$results/results.md"
	echo
	for w in "$@"; do
		cp "$results/$w.png" "$dir/bench-$machine-$w.png"
		echo "![$w on $machine, from this run](bench-$machine-$w.png)"
		echo
	done
	echo "$end"
} >"$section"

if grep -qF "$begin" "$doc"; then
	awk -v begin="$begin" -v end="$end" -v section="$section" '
		$0 == begin { while ((getline line < section) > 0) print line; skip = 1; next }
		$0 == end { skip = 0; next }
		!skip { print }' "$doc" >"$section.new"
	mv "$section.new" "$doc"
else
	{ echo; cat "$section"; } >>"$doc"
fi
echo "==> $doc: section $machine replaced (commit $commit)"
