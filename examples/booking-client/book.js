// examples/booking-client/book.js: a booking from a Node.js site through
// timepool.book_online(), with node-postgres (npm "pg"), at any isolation level.
'use strict';
const { randomUUID } = require('node:crypto');

const LEVELS = ['READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE'];
const RACED = new Set(['40001', '40P01']); // lost a race: try the transaction again
const FULL = new Set(['TP001', 'TP007', 'TP006']); // no minutes left, the clock is taken, the day's cap
const REFUSED = new Set(['TP002', 'TP003', 'TP005', 'TP008']); // not in the schedule, not online, too soon or too far, nobody does it

const BOOK = `SELECT * FROM timepool.book_online(
  p_service => $1, p_date => $2, p_time => $3, p_patient_name => $4,
  p_patient_phone => $5, p_patient_email => $6, p_notes => $7, p_details => $8,
  p_resource => $9, p_idempotency_key => $10)`;

// Resolves to one answer, each with the number of tries it took:
//   { answer: 'booked', receipt }        receipt.created = false: this key had booked already
//   { answer: 'full', code, reason, hint }  hint: open start times that day, if any
//   { answer: 'refused', code, reason }
//   { answer: 'busy', code, reason }      55P03: the pool stayed locked, try again later
// and rejects on anything else (a bad argument, 40001 after the last try: err.tries).
async function book(pool, args, { isolation = 'READ COMMITTED', tries = 10, baseMs = 10, capMs = 1000 } = {}) {
  if (!LEVELS.includes(isolation)) throw new RangeError(`unknown isolation level: ${isolation}`);
  const key = args.key ?? randomUUID(); // the same key on every try: a retry never books twice
  const params = [args.service, args.date, args.time, args.name, args.phone ?? null,
    args.email ?? null, args.notes ?? null, args.details ?? null, args.resource ?? null, key];
  for (let attempt = 1; ; attempt++) {
    try {
      return { answer: 'booked', receipt: await bookOnce(pool, isolation, params), tries: attempt };
    } catch (e) {
      if (RACED.has(e.code) && attempt < tries) {
        // full jitter: a random wait up to 10, 20, 40 ... ms (at most 1 s), so
        // the clients that lost the same race do not all come back together
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(capMs, baseMs * 2 ** (attempt - 1))));
        continue;
      }
      const answer = { code: e.code, reason: e.detail ? `${e.message}: ${e.detail}` : e.message, tries: attempt };
      if (FULL.has(e.code)) return { answer: 'full', ...answer, hint: e.hint };
      if (REFUSED.has(e.code)) return { answer: 'refused', ...answer };
      if (e.code === '55P03') return { answer: 'busy', ...answer };
      e.tries = attempt;
      throw e;
    }
  }
}

async function bookOnce(pool, isolation, params) {
  if (isolation === 'READ COMMITTED') {
    // One statement in autocommit: no retry needed.  book_online() takes the
    // pool's lock and, once it has it, counts the pool from the latest
    // committed state, not from a snapshot: a concurrent booking of the same
    // pool makes it wait its turn, then it is decided (booked or TP001),
    // never failed with 40001.  (The loop above still catches the one 40001
    // possible here: a schedule change committed during the booking that
    // leaves it outside its period, on a resource with a clock limit.)
    const { rows } = await pool.query(BOOK, params);
    return rows[0];
  }
  // REPEATABLE READ and SERIALIZABLE: the transaction's snapshot is taken by
  // its first statement; when a booking of the same pool commits after it,
  // timepool raises 40001 rather than decide on what the snapshot shows, and
  // the whole transaction must be tried again (by book() above).
  const client = await pool.connect();
  let broken;
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
    const { rows } = await client.query(BOOK, params);
    await client.query('COMMIT'); // SERIALIZABLE may fail here too, with 40001
    return rows[0];
  } catch (e) {
    await client.query('ROLLBACK').catch((err) => { broken = err; });
    throw e;
  } finally {
    client.release(broken); // a connection that cannot roll back is dropped
  }
}

module.exports = { book };
