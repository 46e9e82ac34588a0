// test/dashboard/check.js: the dashboard in headless Chromium (test/dashboard.sh
// starts the server and makes the clinic; see there for the data).
//
//   node check.js URL DATE OTHER_DATE
// Environment: CHROMIUM (the browser's path), OUT_DIR (the screenshot's
// folder), EXAMPLE_DIR (examples/dashboard: its pg), and libpq's variables
// for a superuser's connection to the test's database (the bookings).
//
// Prints "ok - ..." / "not ok - ..." lines and exits 1 on any "not ok"; 2
// with "dashboard test: cannot run: ..." when the browser cannot start.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const { chromium } = require('playwright-core');

const pg = createRequire(path.join(process.env.EXAMPLE_DIR, 'package.json'))('pg');
const [url, D, D2] = process.argv.slice(2);
const LIMIT_MS = 1000;
let failures = 0;

function ok(cond, what) {
	console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
	if (!cond) failures += 1;
	return cond;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// in the page: the bars, their figures and the observer of their changes
const readBars = () => [...document.querySelectorAll('#pools .pool')].map((e) => ({
	resource: e.dataset.resource,
	period: e.dataset.period,
	booked: Number(e.dataset.booked),
	total: Number(e.dataset.total),
	remaining: Number(e.dataset.remaining),
	text: e.querySelector('.figures').textContent,
}));

function installObservers() {
	window.__changes = [];
	window.__states = [];
	window.__loaded = 'this page, not a reload';
	new MutationObserver((recs) => {
		for (const r of recs) {
			const t = r.target;
			window.__changes.push({ resource: t.dataset.resource, period: t.dataset.period, booked: Number(t.dataset.booked), at: Date.now() });
		}
	}).observe(document.getElementById('pools'), { subtree: true, attributes: true, attributeFilter: ['data-booked'] });
	new MutationObserver(() => {
		window.__states.push(document.getElementById('status').dataset.state);
	}).observe(document.getElementById('status'), { attributes: true, attributeFilter: ['data-state'] });
}

async function main() {
	const db = new pg.Client({ application_name: 'dashboard-test' });
	await db.connect();
	const book = (service, date, time, resource) => db.query(
		`SELECT id FROM timepool.book_service($1, $2::date, $3::time, 'Test patient', p_resource => $4)`,
		[service, date, time, resource]).then((r) => r.rows[0].id);

	let browser;
	const exe = process.env.CHROMIUM || '/usr/bin/chromium';
	try {
		browser = await chromium.launch({
			executablePath: exe,
			headless: true,
			chromiumSandbox: false, // --no-sandbox: CI runs as root
			args: ['--disable-dev-shm-usage'],
			timeout: 30000,
		});
	} catch (err) {
		console.log(`dashboard test: cannot run: playwright-core could not launch ${exe}: ${String(err.message).split('\n')[0]}`);
		await db.end();
		process.exit(2);
	}
	console.log(`# ${exe}: Chromium ${browser.version()}`);
	const page = await browser.newPage({ viewport: { width: 1200, height: 640 } });
	const pageErrors = [];
	page.on('pageerror', (e) => pageErrors.push(e.message));
	page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

	const bar = async (resource, period) => (await page.evaluate(readBars)).find((b) => b.resource === resource && b.period === period);
	const events = async () => Number(await page.getAttribute('body', 'data-events'));
	const slotsOf = (resource, period) => page.evaluate(([r, p]) => [...document.querySelectorAll('#slots .slot')]
		.filter((e) => e.dataset.resource === r && e.dataset.period === p).map((e) => e.dataset.start), [resource, period]);

	// Books (or cancels: run) and waits for the bar to show `want` booked
	// minutes; the time is from sending the statement to the attribute's
	// change in the page (its MutationObserver's Date.now(), same clock).
	async function timed(what, resource, period, want, run) {
		const since = await page.evaluate(() => window.__changes.length);
		const t0 = Date.now();
		await run();
		const tCommit = Date.now();
		try {
			await page.waitForFunction(([r, p, v]) => {
				const b = [...document.querySelectorAll('#pools .pool')].find((e) => e.dataset.resource === r && e.dataset.period === p);
				return b && Number(b.dataset.booked) === v;
			}, [resource, period, want], { timeout: 5000, polling: 10 });
		} catch {
			const b = await bar(resource, period);
			ok(false, `${what}: the bar ${resource} ${period} shows ${want} booked minutes within 5 s (it shows ${b ? b.booked : 'nothing'})`);
			return null;
		}
		const seen = Date.now();
		const rec = (await page.evaluate((n) => window.__changes.slice(n), since))
			.find((c) => c.resource === resource && c.period === period && c.booked === want);
		const at = rec ? rec.at : seen;
		const ms = at - t0;
		ok(ms <= LIMIT_MS, `${what}: the bar ${resource} ${period} showed ${want} booked minutes ${ms} ms after the statement was sent ` +
			`(${at - tCommit} ms after it returned to the test; limit ${LIMIT_MS} ms)`);
		ok(rec !== undefined, `${what}: the bar changed in place from the payload (no reload, no refetch)`);
		return ms;
	}

	const timings = [];
	try {
		// ---- the page as it opens
		await page.goto(`${url}?date=${D}&service=CONSULT`);
		await page.waitForSelector('#status[data-state="live"]', { timeout: 10000 });
		await page.evaluate(installObservers);
		const bars = await page.evaluate(readBars);
		const fig = (b) => `${b.resource} ${b.period} ${b.booked}/${b.total}/${b.remaining}`;
		ok(JSON.stringify(bars.map(fig)) === JSON.stringify([
			'DR_A MORNING 30/180/150', 'DR_A AFTERNOON 0/240/240', 'DR_B MORNING 0/120/120']),
		`one bar per resource and period, booked/total/remaining as booked: ${bars.map(fig).join(', ')}`);
		const u = await db.query(`SELECT resource, period, booked_minutes, total_minutes, remaining_minutes
		                            FROM timepool.utilization($1, $1) ORDER BY resource, start_time`, [D]);
		ok(JSON.stringify(u.rows.map((r) => `${r.resource} ${r.period} ${r.booked_minutes}/${r.total_minutes}/${r.remaining_minutes}`)) ===
			JSON.stringify(bars.map(fig)), 'the bars are utilization()\'s rows');
		ok(bars[0].text.startsWith('30 of 180 min booked') && bars[0].text.includes('150 left'), `the bar's numbers are shown: "${bars[0].text}"`);
		ok(JSON.stringify(await page.$$eval('#service option', (os) => os.map((o) => o.value))) === JSON.stringify(['CONSULT']),
			'the service menu is bookable_services (the hidden LASER is not in it)');
		const slots0 = await slotsOf('DR_A', 'MORNING');
		ok(slots0.join(' ') === '09:30 09:45 10:00 10:15 10:30 10:45 11:00 11:15 11:30',
			`open CONSULT starts of DR_A MORNING after the 09:00 booking: ${slots0.join(' ')}`);

		// ---- a booking: the bar moves within a second, the start times follow
		const slotsVersion = Number(await page.getAttribute('#slots', 'data-version'));
		let id10;
		timings.push(await timed('booking DR_A 10:00', 'DR_A', 'MORNING', 60, async () => { id10 = await book('CONSULT', D, '10:00', 'DR_A'); }));
		const b1 = await bar('DR_A', 'MORNING');
		ok(b1.total === 180 && b1.remaining === 120 && b1.text.startsWith('60 of 180 min booked') && b1.text.includes('120 left'),
			`total and remaining from the payload too: ${fig(b1)}, "${b1.text}"`);
		ok(await page.evaluate(() => window.__loaded === 'this page, not a reload'), 'the page was not reloaded');
		const wantSlots = '09:30 10:30 10:45 11:00 11:15 11:30';
		const ts = Date.now();
		try {
			await page.waitForFunction(([v, want]) => {
				const box = document.getElementById('slots');
				const got = [...box.querySelectorAll('.slot')].filter((e) => e.dataset.resource === 'DR_A' && e.dataset.period === 'MORNING')
					.map((e) => e.dataset.start).join(' ');
				return Number(box.dataset.version) > v && got === want;
			}, [slotsVersion, wantSlots], { timeout: 3000, polling: 10 });
			ok(true, `the open start times were fetched again (${Date.now() - ts} ms after the bar): ${wantSlots}`);
		} catch {
			ok(false, `the open start times of DR_A MORNING become ${wantSlots} (they are ${(await slotsOf('DR_A', 'MORNING')).join(' ')})`);
		}

		// ---- a booking rolled back: nothing arrives, nothing moves
		let n0 = await events();
		let c0 = await page.evaluate(() => window.__changes.length);
		await db.query('BEGIN');
		await book('CONSULT', D, '11:00', 'DR_A');
		await db.query('ROLLBACK');
		await sleep(1500);
		const b2 = await bar('DR_A', 'MORNING');
		ok(b2.booked === 60, `a booking rolled back: the bar still shows 60 booked minutes 1.5 s later (${b2.booked})`);
		ok(await events() === n0 && await page.evaluate(() => window.__changes.length) === c0,
			'a booking rolled back: no event reached the page, no bar changed');

		// ---- a payload that is not a pool's figures (any role can NOTIFY): not passed on
		n0 = await events();
		await db.query(`SELECT pg_notify('timepool_availability', $1)`, ['<img src=x onerror=alert(1)>']);
		await db.query(`SELECT pg_notify('timepool_availability', $1)`,
			[JSON.stringify({ resource: 'DR_A', date: D, period: 'MORNING', total_minutes: 'x', booked_minutes: 1, remaining_minutes: 1 })]);
		await sleep(300);
		ok(await events() === n0 && (await bar('DR_A', 'MORNING')).booked === 60,
			'payloads that are not a pool\'s figures are not passed on');

		// ---- another date's booking: an event arrives, no bar of this date moves
		n0 = await events();
		c0 = await page.evaluate(() => window.__changes.length);
		await book('CONSULT', D2, '10:00', 'DR_A');
		try {
			await page.waitForFunction((n) => Number(document.body.dataset.events) > n, n0, { timeout: 3000, polling: 10 });
			await sleep(100);
			ok(await events() === n0 + 1 && (await bar('DR_A', 'MORNING')).booked === 60 &&
				await page.evaluate(() => window.__changes.length) === c0,
			`a booking on ${D2}: one event, and the bars of ${D} stay as they were`);
		} catch {
			ok(false, `a booking on ${D2}: its event reaches the page`);
		}

		// ---- one transaction, two pools: both bars, one event each
		n0 = await events();
		timings.push(await timed('two pools in one transaction', 'DR_B', 'MORNING', 30, async () => {
			await db.query('BEGIN');
			await book('CONSULT', D, '13:00', 'DR_A');
			await book('CONSULT', D, '09:00', 'DR_B');
			await db.query('COMMIT');
		}));
		await sleep(100);
		const a2 = await bar('DR_A', 'AFTERNOON');
		ok(a2.booked === 30 && a2.remaining === 210, `two pools in one transaction: DR_A AFTERNOON shows 30 booked, 210 left (${fig(a2)})`);
		ok(await events() === n0 + 2, `two pools in one transaction: two events (${(await events()) - n0})`);

		// ---- a cancellation gives the minutes back
		timings.push(await timed('cancelling the 10:00 booking', 'DR_A', 'MORNING', 30,
			() => db.query('SELECT timepool.cancel_reservation($1)', [id10])));

		// ---- the server's LISTEN connection dropped: it connects again, the page follows
		const killed = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		                                WHERE application_name = 'timepool-dashboard-listen' AND datname = current_database()`);
		ok(killed.rowCount === 1, `the server's LISTEN connection terminated (${killed.rowCount} found)`);
		try {
			await page.waitForFunction(() => {
				const s = window.__states;
				const i = s.indexOf('reconnecting');
				return i >= 0 && s.indexOf('live', i) > i;
			}, null, { timeout: 10000, polling: 10 });
			ok(true, 'the page showed the server reconnecting, then live again');
		} catch {
			ok(false, `the page shows the server reconnecting, then live again (states: ${await page.evaluate(() => window.__states.join(' '))})`);
		}
		timings.push(await timed('booking after the reconnection', 'DR_A', 'MORNING', 60, () => book('CONSULT', D, '11:00', 'DR_A')));

		ok(pageErrors.length === 0, `no error in the page${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);

		// ---- the API checks what it passes on (the page's console shows these failures)
		const get = (p) => page.evaluate(async (p) => {
			const r = await fetch(p);
			return { status: r.status, body: await r.json().catch(() => null) };
		}, p);
		for (const [p, want] of [
			['/api/pools?date=2026-02-30', 400], ['/api/pools?date=' + encodeURIComponent("2026-01-01' OR '1'='1"), 400],
			['/api/pools', 400], [`/api/slots?service=consult&date=${D}`, 400], [`/api/slots?service=CONSULT&date=tomorrow`, 400],
			[`/api/slots?service=${encodeURIComponent("CONSULT');--")}&date=${D}`, 400], ['/api/nothing', 404]]) {
			const r = await get(p);
			ok(r.status === want, `GET ${p}: ${want} (${r.status} ${r.body ? r.body.error : ''})`);
		}
		const nope = await get(`/api/slots?service=NOPE&date=${D}`);
		ok(nope.status === 400 && nope.body.sqlstate === 'TP003', `GET /api/slots?service=NOPE: 400 with timepool's TP003 (${nope.status} ${nope.body && nope.body.sqlstate})`);

		// ---- who the server is
		const who = await db.query(`SELECT DISTINCT a.usename, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
		                             WHERE a.application_name LIKE 'timepool-dashboard%' AND a.datname = current_database()`);
		ok(who.rows.length === 1 && who.rows[0].usename === 'dashboard' && who.rows[0].rolsuper === false,
			`the server's connections are the role dashboard, no superuser (${who.rows.map((r) => `${r.usename} super=${r.rolsuper}`).join(', ')})`);

		fs.mkdirSync(process.env.OUT_DIR, { recursive: true });
		const shot = path.join(process.env.OUT_DIR, 'dashboard.png');
		await page.screenshot({ path: shot, fullPage: true });
		console.log(`# screenshot: ${shot}`);
		const t = timings.filter((x) => x !== null);
		console.log(`# bar updates (ms from the statement sent): ${t.join(', ')}; most ${Math.max(...t)}`);
	} catch (err) {
		ok(false, `the browser run: ${err.message.split('\n')[0]}`);
		try {
			fs.mkdirSync(process.env.OUT_DIR, { recursive: true });
			await page.screenshot({ path: path.join(process.env.OUT_DIR, 'dashboard-failed.png'), fullPage: true });
		} catch { /* the page is gone */ }
	} finally {
		await browser.close();
		await db.end();
	}
	process.exit(failures ? 1 : 0);
}

main().catch((err) => {
	console.log(`not ok - ${err.stack}`);
	process.exit(1);
});
