#!/bin/bash
# make series-check: not implemented yet (issue 7).
echo "make series-check: not implemented yet (issue 7)" >&2
exit 1
