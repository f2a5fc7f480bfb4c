#!/bin/bash
# make bench: not implemented yet (issue 5).
echo "make bench: not implemented yet (issue 5)" >&2
exit 1
