#!/bin/sh
# The 'kunit' suite: nothing after boot.  The built-in KUnit suites ran
# during boot, selected by kunit.filter_glob= on the command line
# (EXTRA_CMDLINE); make coverage boots it for test_optimizable_sites.
echo "kunit: ran at boot"
