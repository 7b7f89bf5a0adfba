#!/usr/bin/env python3
"""Writes a large clinic export like courses-10000.csv, for measuring `course import`.

    python3 tests/FollowUp.Tests/Cli/Csv/generate-courses.py 100000 /tmp/courses-100k.csv
    followup-admin therapist add --email sam@clinic.test; ... --email kim@clinic.test --name "Kim Lee"; ... --email ali@clinic.test
    time followup-admin course import /tmp/courses-100k.csv --now 2026-11-20T10:00:00Z

Courses end between 2026-09-20 and 2026-11-18, so they validate as of 2026-11-20 (the hidden --now option).
"""
import datetime
import sys

rows, path = int(sys.argv[1]), sys.argv[2]
zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/Paris"]
therapists = ["sam@clinic.test", "Kim Lee", "ali@clinic.test"]
base = datetime.date(2026, 11, 18)
with open(path, "w", newline="") as f:
    f.write("Course ID,Patient name,Email,Time zone,Therapist,Start date,End date,Pain before,Pain after\n")
    for i in range(1, rows + 1):
        end = base - datetime.timedelta(days=i % 60)
        start = end - datetime.timedelta(days=7 * (1 + i % 8))
        f.write(f"C{i:06d},Patient {i},patient{i}@example.org,{zones[i % 5]},{therapists[i % 3]},{start},{end},{i % 11},{(i * 7) % 11}\n")
