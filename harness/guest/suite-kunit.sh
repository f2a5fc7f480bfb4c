#!/bin/sh
# The 'kunit' suite: the built-in KUnit suites ran during boot, selected by
# kunit.filter_glob= on the command line (EXTRA_CMDLINE); keep their KTAP
# as the 'check' suite does.  make coverage boots it for
# test_optimizable_sites, make check for the arm64_cmodx suite.
R=/results
mkdir -p $R/kunit
for d in /sys/kernel/debug/kunit/*/; do
	[ -f "$d/results" ] && cp "$d/results" "$R/kunit/$(basename "$d").ktap"
done
echo "kunit: ran at boot, $(ls $R/kunit | wc -l) suites"
