"""Turns a memray capture file into flamegate's JSON sample list:
{"samples": [{"stack": [[function, file, line], ...leaf first], "values": [bytes, count]}]}

Usage: python memray_export.py CAPTURE.bin OUT.json

Run with the service's own interpreter after the window, so the service
does not pay for it. Only allocations count: frees and unmaps are skipped.
"""

import json
import sys

import memray

ALLOCATING = {
    memray.AllocatorType.MALLOC,
    memray.AllocatorType.CALLOC,
    memray.AllocatorType.REALLOC,
    memray.AllocatorType.POSIX_MEMALIGN,
    memray.AllocatorType.ALIGNED_ALLOC,
    memray.AllocatorType.MEMALIGN,
    memray.AllocatorType.VALLOC,
    memray.AllocatorType.PVALLOC,
    memray.AllocatorType.MMAP,
    memray.AllocatorType.PYMALLOC_MALLOC,
    memray.AllocatorType.PYMALLOC_CALLOC,
    memray.AllocatorType.PYMALLOC_REALLOC,
}


def main(path, out):
    # Sums per stack id first: resolving a stack is the slow part, and a
    # busy window has millions of records over a few thousand stacks.
    totals = {}
    first = {}
    reader = memray.FileReader(path)
    for record in reader.get_allocation_records():
        if record.allocator not in ALLOCATING or record.size <= 0:
            continue
        key = record.stack_id
        total = totals.get(key)
        if total is None:
            totals[key] = [record.size, record.n_allocations]
            first[key] = record
        else:
            total[0] += record.size
            total[1] += record.n_allocations
    merged = {}
    for key, (size, count) in totals.items():
        stack = tuple(first[key].stack_trace())  # (function, file, line), leaf first
        total = merged.setdefault(stack, [0, 0])
        total[0] += size
        total[1] += count
    samples = [
        {"stack": [list(frame) for frame in stack], "values": values}
        for stack, values in merged.items()
    ]
    with open(out, "w") as f:
        json.dump({"samples": samples}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
