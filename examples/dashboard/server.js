// examples/dashboard/server.js: timepool's live dashboard.
//
// Serves index.html and a small JSON API over the database, and streams
// every NOTIFY timepool_availability to the open pages as Server-Sent
// Events.  Node.js 20, the plain http module and node-postgres (pg), nothing
// else.
//
//   GET /                            the page (index.html)
//   GET /api/today                   {"date": timepool.clinic_today()}
//   GET /api/services                timepool.bookable_services
//   GET /api/pools?date=YYYY-MM-DD   timepool.utilization(date, date): one row per pool
//   GET /api/slots?service=CODE&date=YYYY-MM-DD
//                                    timepool.open_slots(service, date)
//   GET /events                      text/event-stream:
//        event: availability  data: the payload of one NOTIFY (a pool's new figures)
//        event: status        data: {"listening": true|false}: whether the server's
//                             LISTEN connection is up (after it comes back, pages refetch)
//
// The connection comes from libpq's environment (PGHOST, PGPORT, PGDATABASE,
// PGUSER, PGPASSWORD) or DATABASE_URL; it must be a role without superuser
// (README.md: the role "dashboard"), else the server refuses to start.
// PORT (default 8080; 0 picks a free one) and HOST (default 127.0.0.1) say
// where it listens; it prints the URL to open.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const pg = require('pg');

const CHANNEL = 'timepool_availability';
const KEEPALIVE_MS = 15000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CODE_RE = /^[A-Z][A-Z0-9_]{0,49}$/; // timepool's code format (services, resources, periods)

function dbConfig(applicationName) {
	const config = { application_name: applicationName };
	if (process.env.DATABASE_URL) config.connectionString = process.env.DATABASE_URL;
	return config; // the rest from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD
}

const pool = new pg.Pool({ ...dbConfig('timepool-dashboard'), max: 4, idleTimeoutMillis: 30000 });
pool.on('error', (err) => log(`idle connection failed: ${err.message}`));

function log(msg) {
	console.error(`dashboard: ${msg}`);
}

// ---- input checks: every value reaches SQL as a $n parameter, and only
// after it has the shape timepool's types accept

function validDate(s) {
	const m = typeof s === 'string' && DATE_RE.exec(s);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const t = new Date(Date.UTC(y, mo - 1, d));
	return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function validCode(s) {
	return typeof s === 'string' && CODE_RE.test(s);
}

class BadRequest extends Error {}

// ---- the API

const QUERIES = {
	today: 'SELECT timepool.clinic_today()::text AS date',
	services: `SELECT code, name, category, category_name, duration_minutes, required_minutes
	             FROM timepool.bookable_services`,
	pools: `SELECT resource, date::text AS date, period,
	               to_char(start_time, 'HH24:MI') AS start_time, to_char(end_time, 'HH24:MI') AS end_time,
	               closed, total_minutes, booked_minutes, remaining_minutes, reservations,
	               utilization::float8 AS utilization
	          FROM timepool.utilization($1::date, $1::date)
	         ORDER BY resource, start_time NULLS LAST, period`,
	slots: `SELECT resource, date::text AS date, period,
	               to_char(start_time, 'HH24:MI') AS start_time, to_char(end_time, 'HH24:MI') AS end_time,
	               remaining_minutes
	          FROM timepool.open_slots($1::text, $2::date)
	         ORDER BY resource, start_time`,
};

async function api(route, params) {
	switch (route) {
		case '/api/today':
			return (await pool.query(QUERIES.today)).rows[0];
		case '/api/services':
			return (await pool.query(QUERIES.services)).rows;
		case '/api/pools': {
			const date = params.get('date');
			if (!validDate(date)) throw new BadRequest('date must be a calendar date written YYYY-MM-DD');
			return (await pool.query(QUERIES.pools, [date])).rows;
		}
		case '/api/slots': {
			const service = params.get('service');
			const date = params.get('date');
			if (!validCode(service)) throw new BadRequest('service must be a service code (A-Z, 0-9, _; at most 50)');
			if (!validDate(date)) throw new BadRequest('date must be a calendar date written YYYY-MM-DD');
			return (await pool.query(QUERIES.slots, [service, date])).rows;
		}
		default:
			return undefined;
	}
}

function sendJson(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
	});
	res.end(text);
}

// ---- Server-Sent Events

const clients = new Set();
let listening = false;

function sse(res, event, data) {
	// data is one line of JSON; an SSE field ends at a newline, so split anyway
	res.write(`event: ${event}\n${String(data).split('\n').map((l) => `data: ${l}\n`).join('')}\n`);
}

function broadcast(event, data) {
	for (const res of clients) sse(res, event, data);
}

function openEvents(req, res) {
	res.writeHead(200, {
		'Content-Type': 'text/event-stream; charset=utf-8',
		'Cache-Control': 'no-store',
		Connection: 'keep-alive',
		'X-Accel-Buffering': 'no',
	});
	res.write('retry: 2000\n\n');
	sse(res, 'status', JSON.stringify({ listening }));
	clients.add(res);
	const drop = () => clients.delete(res);
	req.on('close', drop);
	res.on('error', drop);
}

setInterval(() => {
	for (const res of clients) res.write(': keep-alive\n\n');
}, KEEPALIVE_MS).unref();

// A payload is {resource, date, period, total_minutes, booked_minutes,
// remaining_minutes}.  Any role that can connect can NOTIFY on the channel,
// so only payloads of that shape go on, rebuilt from those fields alone.
function cleanPayload(text) {
	let p;
	try {
		p = JSON.parse(text);
	} catch {
		return null;
	}
	if (!p || typeof p !== 'object' || !validCode(p.resource) || !validCode(p.period) || !validDate(p.date)) return null;
	for (const k of ['total_minutes', 'booked_minutes', 'remaining_minutes']) {
		if (!Number.isInteger(p[k])) return null;
	}
	return JSON.stringify({
		resource: p.resource,
		date: p.date,
		period: p.period,
		total_minutes: p.total_minutes,
		booked_minutes: p.booked_minutes,
		remaining_minutes: p.remaining_minutes,
	});
}

// ---- the LISTEN connection: one for all pages, opened again when it drops

let listener = null;
let reconnectMs = RECONNECT_MIN_MS;
let reconnectTimer = null;
let stopping = false;

function setListening(on) {
	if (listening === on) return;
	listening = on;
	broadcast('status', JSON.stringify({ listening }));
}

function scheduleListen() {
	if (stopping || reconnectTimer) return;
	reconnectTimer = setTimeout(() => {
		reconnectTimer = null;
		listen();
	}, reconnectMs);
	reconnectMs = Math.min(reconnectMs * 2, RECONNECT_MAX_MS);
}

async function listen() {
	const client = new pg.Client({ ...dbConfig('timepool-dashboard-listen'), keepAlive: true });
	let lost = false;
	const onLost = (why) => {
		if (lost) return;
		lost = true;
		if (listener === client) listener = null;
		setListening(false);
		client.end().catch(() => {});
		if (!stopping) {
			log(`LISTEN connection lost (${why}); connecting again`);
			scheduleListen();
		}
	};
	client.on('error', (err) => onLost(err.message));
	client.on('end', () => onLost('closed'));
	client.on('notification', (msg) => {
		if (msg.channel !== CHANNEL) return;
		const payload = cleanPayload(msg.payload);
		if (payload === null) {
			log(`ignored a payload on ${CHANNEL} that is not a pool's figures`);
			return;
		}
		broadcast('availability', payload);
	});
	try {
		await client.connect();
		await client.query(`LISTEN ${CHANNEL}`);
	} catch (err) {
		onLost(err.message);
		return;
	}
	if (lost) return;
	listener = client;
	reconnectMs = RECONNECT_MIN_MS;
	log(`listening on ${CHANNEL}`);
	setListening(true); // pages refetch: what changed while it was down is read afresh
}

// ---- HTTP

const INDEX = path.join(__dirname, 'index.html');

const server = http.createServer(async (req, res) => {
	let url;
	try {
		url = new URL(req.url, 'http://localhost');
	} catch {
		return sendJson(res, 400, { error: 'bad URL' });
	}
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.writeHead(405, { Allow: 'GET, HEAD' });
		return res.end();
	}
	if (url.pathname === '/' || url.pathname === '/index.html') {
		res.writeHead(200, {
			'Content-Type': 'text/html; charset=utf-8',
			'Cache-Control': 'no-store',
			'X-Content-Type-Options': 'nosniff',
			'Content-Security-Policy':
				"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
		});
		return fs.createReadStream(INDEX).pipe(res);
	}
	if (url.pathname === '/events') return openEvents(req, res);
	try {
		const body = await api(url.pathname, url.searchParams);
		if (body === undefined) return sendJson(res, 404, { error: 'not found' });
		return sendJson(res, 200, body);
	} catch (err) {
		if (err instanceof BadRequest) return sendJson(res, 400, { error: err.message });
		if (err.code) {
			// timepool's refusals (TPxxx, 22xxx, P0002: an unknown service, a
			// resource that does not exist) are the caller's; anything else is ours
			const mine = /^(TP|22|P0)/.test(err.code);
			if (!mine) log(`query failed: ${err.code} ${err.message}`);
			return sendJson(res, mine ? 400 : 500, { error: err.message, detail: err.detail, sqlstate: err.code });
		}
		log(`request failed: ${err.message}`);
		return sendJson(res, 500, { error: 'internal error' });
	}
});

async function main() {
	let who;
	try {
		who = (await pool.query(
			'SELECT current_user AS name, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user')).rows[0];
	} catch (err) {
		log(`cannot connect to the database: ${err.message}`);
		process.exit(1);
	}
	if (!who || who.rolsuper) {
		log(`refusing to start: role "${who ? who.name : '?'}" is a superuser; ` +
			'connect as a role without superuser, such as "dashboard" (see examples/dashboard/README.md)');
		process.exit(1);
	}
	await listen();
	const port = process.env.PORT === undefined || process.env.PORT === '' ? 8080 : Number(process.env.PORT);
	const host = process.env.HOST || '127.0.0.1';
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		log(`PORT must be a port number, not "${process.env.PORT}"`);
		process.exit(1);
	}
	server.on('error', (err) => {
		log(`cannot listen on ${host}:${port}: ${err.message}`);
		process.exit(1);
	});
	server.listen(port, host, () => {
		const a = server.address();
		const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
		console.log(`dashboard: http://${h}:${a.port}/ (database role ${who.name})`);
	});
}

function shutdown() {
	stopping = true;
	for (const res of clients) res.end();
	server.close();
	Promise.allSettled([listener ? listener.end() : null, pool.end()]).then(() => process.exit(0));
	setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

main();
