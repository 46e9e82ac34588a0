#!/usr/bin/env python3
"""test/legacy/make_fixture.py: writes test/legacy/clinic.csv, the legacy
fixture of sql/import.sql: a count-based clinic system's export (it capped
each service by count per day, so its history overbooks the doctors' real
time).  Deterministic (a fixed seed); run it again only to change the
fixture, and then review sql/import.sql's expected output by hand.

Today for the test is 2026-11-23 08:00 (a Monday).  Two doctors, DR_KIM and
DR_LEE, MORNING 09:00-12:00 (180 minutes) and AFTERNOON 13:00-17:00 (240),
Monday to Saturday; closed on Sundays.  Legacy services (an enum):
BTX (Botox 30 min), FIL (filler 45), PEEL (60), CONS (consult 15),
MESO (not mapped: refused).  Row kinds, by legacy id prefix:
  H   history, 2024-11-25 .. 2026-11-21, final statuses done/noshow/cancel,
      on some days 8 BTX + 3 FIL in one morning (375 of 180 minutes)
  HC  cancelled history outside today's schedule (Sundays, 19:00)
  F   upcoming bookings that fit (one a day at distinct times)
  FX  upcoming bookings of a day already full (refused: TP001 or TP007)
  T   messy times: '9:30', '14:00 ', ' 10:15', '10:10:30' (refused:
      seconds), '9.30' (refused: not understood)
  U   unknown service MESO (refused TP003)
  D   duplicates of earlier ids (refused 23505)
  E   empty names (refused 23502)
"""
import csv, datetime, random

random.seed(20261123)
rows = []
svc_min = {"BTX": 30, "FIL": 45, "PEEL": 60, "CONS": 15}
start = datetime.date(2024, 11, 25)
today = datetime.date(2026, 11, 23)

def add(lid, svc, doc, d, t, name, status, created, price="", notes=""):
    rows.append([lid, svc, doc, d.isoformat(), t, name, "555-%04d" % (len(rows) % 10000),
                 "", status, created, notes, price])

n = 0
# history: about 340 rows over two years
d = start
while d < today - datetime.timedelta(days=2):
    if d.weekday() != 6:
        if d.day == 3:
            # an overbooked morning: 8 BTX + 3 FIL on DR_KIM (the legacy caps were 10 and 5 a day)
            for k in range(8):
                n += 1
                add("H%04d" % n, "BTX", "DR_KIM", d, "%d:%02d" % (9 + k * 20 // 60, k * 20 % 60), "Patient H%d" % n,
                    "done", (datetime.datetime.combine(d, datetime.time(8)) - datetime.timedelta(days=7)).isoformat() + "+00")
            for k in range(3):
                n += 1
                add("H%04d" % n, "FIL", "DR_KIM", d, "%d:%02d" % (9 + k, 40), "Patient H%d" % n,
                    random.choice(["done", "noshow"]),
                    (datetime.datetime.combine(d, datetime.time(8)) - datetime.timedelta(days=5)).isoformat() + "+00",
                    price="180.00")
        elif random.random() < 0.3:
            n += 1
            svc = random.choice(["BTX", "FIL", "PEEL", "CONS"])
            doc = random.choice(["DR_KIM", "DR_LEE", ""])
            hour = random.choice([9, 10, 13, 14, 15])
            add("H%04d" % n, svc, doc, d, "%d:%02d" % (hour, random.choice([0, 15, 30])), "Patient H%d" % n,
                random.choice(["done", "done", "done", "noshow", "cancel"]),
                (datetime.datetime.combine(d, datetime.time(8)) - datetime.timedelta(days=random.randint(1, 30))).isoformat() + "+00",
                price=random.choice(["", "95.00", "120.00"]))
    d += datetime.timedelta(days=1)
# cancelled history outside today's schedule
for k in range(10):
    n += 1
    d = start + datetime.timedelta(days=7 * k + 6 - start.weekday())  # Sundays
    add("HC%03d" % k, "CONS", "DR_LEE", d, "19:00" if k % 2 else "11:00", "Patient HC%d" % k, "cancel",
        (datetime.datetime.combine(d, datetime.time(8)) - datetime.timedelta(days=3)).isoformat() + "+00")
# upcoming that fit: one a day on DR_LEE, Mondays to Saturdays, the next 30 days
k = 0
for i in range(1, 31):
    d = today + datetime.timedelta(days=i)
    if d.weekday() == 6:
        continue
    k += 1
    add("F%03d" % k, random.choice(["BTX", "FIL", "CONS"]), "DR_LEE", d, "%d:00" % (9 + k % 3), "Patient F%d" % k,
        random.choice(["booked", "new"]), "2026-11-%02dT10:%02d:00+00" % (1 + k % 20, k % 60))
# upcoming that no longer fit: 2026-12-01 on DR_KIM, 7 BTX at 09:00..12:00 every 30 min booked first
d = today + datetime.timedelta(days=8)
for j in range(6):
    add("FX%02d" % j, "BTX", "DR_KIM", d, "%d:%02d" % (9 + j // 2, 30 * (j % 2)), "Patient FX%d" % j, "booked",
        "2026-10-01T09:%02d:00+00" % j)
# then two more the legacy system accepted on the same morning (over 180 minutes, or at a taken time)
add("FX06", "FIL", "DR_KIM", d, "11:15", "Patient FX6", "booked", "2026-10-02T09:00:00+00")
add("FX07", "BTX", "DR_KIM", d, "9:00", "Patient FX7", "booked", "2026-10-02T09:01:00+00")
# messy times (upcoming, on DR_KIM, 2026-12-02)
d = today + datetime.timedelta(days=9)
for j, t in enumerate(["9:30", "14:00 ", " 10:15", "10:10:30", "9.30"]):
    add("T%02d" % j, "CONS", "DR_KIM", d, t, "Patient T%d" % j, "booked", "2026-11-0%dT12:00:00+00" % (1 + j))
# unknown service codes
for j in range(8):
    add("U%02d" % j, "MESO", "DR_LEE", start + datetime.timedelta(days=30 * j + 1), "10:00", "Patient U%d" % j, "done",
        "2025-01-01T00:00:00+00")
# duplicates of earlier ids (the legacy export repeated them)
for j in range(5):
    r = rows[j * 7]
    rows.append([r[0]] + r[1:5] + ["Duplicate %d" % j] + r[6:])
# empty names
for j in range(4):
    add("E%02d" % j, "CONS", "DR_LEE", today - datetime.timedelta(days=40 + j), "13:00", "" if j % 2 else "   ", "done",
        "2026-09-01T00:00:00+00")

with open("test/legacy/clinic.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["legacy_id", "legacy_service", "resource_code", "reservation_date", "start_time", "patient_name",
                "patient_phone", "patient_email", "legacy_status", "created_at", "notes", "price"])
    w.writerows(rows)
print(len(rows), "rows")
