#!/bin/bash
# make series: not implemented yet (issue 7).
echo "make series: not implemented yet (issue 7)" >&2
exit 1
