/*
 * The sessions page: GET /sessions (newest first, filtered by status), refreshed every few seconds
 * while a listed session is running.
 */
'use strict';

(() => {
  const { el } = Gantry;
  const REFRESH_MS = 2000;
  const PAGE = 50;
  let timer = null;
  let shown = [];
  let nextCursor = null;

  function filter() {
    return document.getElementById('status-filter').value;
  }

  function row(s) {
    const commit = s.commit ? el('code', { title: s.commit }, s.commit.substring(0, 12)) : '—';
    return el('tr', { 'data-session': s.sessionId },
      el('td', {}, el('a', { href: '/ui/session.html?id=' + encodeURIComponent(s.sessionId) }, s.goal || s.sessionId)),
      el('td', {}, Gantry.badge(s.status)),
      el('td', {}, s.pipeline || '—'),
      el('td', { class: 'path' }, s.repository || '—'),
      el('td', {}, commit),
      el('td', {}, Gantry.time(s.createdAt)),
      el('td', {}, Gantry.sessionDuration(s)),
      el('td', { class: 'number' }, Gantry.cost(s.usage)));
  }

  function render() {
    const body = document.querySelector('#sessions tbody');
    body.replaceChildren(...shown.map(row));
    document.getElementById('empty').hidden = shown.length > 0;
    document.getElementById('sessions').hidden = shown.length === 0;
    document.getElementById('more').hidden = !nextCursor;
  }

  async function page(cursor) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (filter()) {
      query.set('status', filter());
    }
    if (cursor) {
      query.set('cursor', cursor);
    }
    return Gantry.json('/sessions?' + query);
  }

  /** Reads the first page again; keeps polling while a listed session runs. */
  async function load() {
    clearTimeout(timer);
    try {
      const first = await page(null);
      shown = first.sessions;
      nextCursor = first.nextCursor || null;
      render();
      Gantry.say('');
      const running = shown.some(s => s.status === 'RUNNING');
      document.getElementById('refreshing').hidden = !running;
      if (running) {
        timer = setTimeout(load, REFRESH_MS);
      }
    } catch (e) {
      if (e.status !== 401) {
        Gantry.say('Could not list the sessions: ' + e.message, true);
      }
    }
  }

  async function more() {
    try {
      const next = await page(nextCursor);
      shown = shown.concat(next.sessions);
      nextCursor = next.nextCursor || null;
      render();
    } catch (e) {
      if (e.status !== 401) {
        Gantry.say('Could not list older sessions: ' + e.message, true);
      }
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const select = document.getElementById('status-filter');
    const asked = new URLSearchParams(location.search).get('status');
    if (asked && Array.from(select.options).some(o => o.value === asked)) {
      select.value = asked;
    }
    select.addEventListener('change', () => {
      const url = new URL(location.href);
      if (filter()) {
        url.searchParams.set('status', filter());
      } else {
        url.searchParams.delete('status');
      }
      history.replaceState(null, '', url);
      load();
    });
    document.getElementById('filter').addEventListener('submit', event => event.preventDefault());
    document.getElementById('more').addEventListener('click', more);
    Gantry.start(load);
  });
})();
