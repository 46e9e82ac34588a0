# timepool: shared time pools for bookings, enforced in PostgreSQL

EXTENSION = timepool
MODULE_big = timepool
OBJS = src/common.o src/cache.o src/policy.o src/schedule.o src/decide.o src/availability.o \
       src/booking.o src/guard.o src/audit.o src/slots.o src/flow.o src/report.o src/notify.o src/import.o
PGFILEDESC = "timepool - shared time-pool booking"

# a fresh install runs 1.0 and then the upgrades, as contrib modules do
DATA = timepool--1.0.sql timepool--1.0--1.1.sql timepool--1.1--1.2.sql \
       timepool--1.2--1.3.sql timepool--1.3--1.4.sql timepool--1.4--1.5.sql \
       timepool--1.5--1.6.sql timepool--1.6--1.7.sql

# pg_regress suites, one per concern; each file in sql/ is a suite
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

# isolation specs in test/specs
ISOLATION = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=test/output_iso --load-extension=$(EXTENSION)

PG_CONFIG ?= pg_config
# the server's headers are system headers: -Wextra then judges only our code
PG_CPPFLAGS = -Isrc -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CFLAGS = -Wall -Wextra
EXTRA_CLEAN = test/output_iso

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every file includes the shared header: a change to it rebuilds them all
$(OBJS) $(OBJS:.o=.bc): src/timepool.h
