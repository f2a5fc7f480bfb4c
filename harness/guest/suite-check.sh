#!/bin/sh
# The 'check' suite: KUnit results (the tests ran at boot), ftracetest on the
# kprobe and kprobe-related dynevent tests, the kprobes samples, our own tests.
# Every part writes a machine-readable file under /results.
R=/results
# Where the time goes: one console line per part, seconds since boot.
stamp() { echo "HARNESS: t=$(cut -d' ' -f1 /proc/uptime) $*"; }

# KUnit: the in-kernel runner ran the suites at boot; keep their KTAP.
stamp kunit
sh /harness/suite-kunit.sh

# ftracetest (upstream's, plus ours under test.d/arm64 when present).
cd /selftests/ftrace || exit 1
DYNEVENT="add_remove_kprobe add_remove_uprobe clear_select_events generic_clear_event
	add_remove_fprobe fprobe_syntax_errors fprobe_args_vfs fprobe_entry_arg"
tests="test.d/kprobe"
for t in $DYNEVENT; do tests="$tests test.d/dynevent/$t.tc"; done
[ -d test.d/arm64 ] && tests="$tests test.d/arm64"
stamp ftracetest
# Also on the console, so that a boot that times out shows where it was.
{ ./ftracetest -k -l $R/ftrace-logs $tests 2>&1; echo "ftracetest: exit $?"; } |
	tee $R/ftracetest.txt
cd /

# Samples: load, trigger (a fork), check the output, unload.
stamp samples
echo "samples: start"
sh /harness/samples.sh > $R/samples.txt 2>&1
echo "samples: done"

# Our own guest tests (one result line each: "<name> PASS|FAIL [detail]").
for t in /harness/tests/*.sh; do
	[ -f "$t" ] || continue
	stamp "selftest: $(basename "$t")"
	sh "$t" >> $R/selftests.txt 2>&1
done
stamp done
true
