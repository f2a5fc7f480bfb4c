#!/bin/sh
# The demo's second part (suite-demo.sh), run under dash in the clients
# image: define a probe with perf, count it, record it with perf and with
# trace-cmd, remove it.  Exits non-zero if a step fails or sees nothing.
run() { echo "# $*"; eval "$@"; }
ok=0
run "perf probe -a 'myopen=do_sys_openat2 dfd=%x0:s32 path=+0(%x1):ustring'" || exit 1
# perf names a return probe NAME__return
run "perf probe -a 'myopen=do_sys_openat2%return fd=\$retval:s32'" || exit 1
run "perf probe -l"
run "perf stat -e probe:myopen -e probe:myopen__return -- cat /etc/mime.types > /dev/null"
run "perf record -q -o /tmp/perf.data -e probe:myopen -e probe:myopen__return -- cat /etc/mime.types > /dev/null"
run "perf script -i /tmp/perf.data | tee /tmp/perf.txt"
grep -q 'myopen: .*path="/etc/mime.types"' /tmp/perf.txt && ok=$((ok + 1))
run "trace-cmd record -q -o /tmp/trace.dat -e probe:myopen -e probe:myopen__return -F cat /etc/mime.types > /dev/null"
run "trace-cmd report -i /tmp/trace.dat | tee /tmp/trace.txt"
grep -q 'myopen: .*path="/etc/mime.types"' /tmp/trace.txt && ok=$((ok + 1))
run "perf probe -d 'probe:myopen*'"
run "cat /sys/kernel/tracing/kprobe_events"
[ $ok = 2 ] && [ ! -s /sys/kernel/tracing/kprobe_events ]
