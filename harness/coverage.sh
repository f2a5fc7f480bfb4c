#!/bin/bash
# make coverage: not implemented yet (issue 4).
echo "make coverage: not implemented yet (issue 4)" >&2
exit 1
