/*
 * The web view's shared code: the bearer token (asked for once, kept in sessionStorage, sent only
 * in the Authorization header), calls to gantry serve's HTTP API, and small formatting helpers.
 * Pages are built with DOM calls and textContent, never from strings of HTML, so nothing a session
 * holds can become markup; the one exception is the Markdown the server rendered with raw HTML escaped.
 */
'use strict';

const Gantry = (() => {
  const TOKEN_KEY = 'gantry.token';
  const TERMINAL = ['SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED', 'TIMED_OUT'];

  /** An API answer that was not 2xx: its problem+json detail, status and field. */
  class ApiError extends Error {
    constructor(status, problem) {
      super(problem && problem.detail ? problem.detail : 'the server answered ' + status);
      this.status = status;
      this.field = problem ? problem.field : undefined;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /** Shows the sign-in form and hides the page's content. */
  function askForToken(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    document.getElementById('content').hidden = true;
    document.getElementById('sign-out').hidden = true;
    document.getElementById('sign-in').hidden = false;
    say(reason || '');
    document.getElementById('token').focus();
  }

  /**
   * Starts a page: asks for the token when there is none, else calls load(). load is called again
   * after each sign-in.
   */
  function start(load) {
    document.getElementById('sign-in-form').addEventListener('submit', event => {
      event.preventDefault();
      const input = document.getElementById('token');
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      input.value = '';
      show();
      load();
    });
    document.getElementById('sign-out').addEventListener('click', () => askForToken('Token forgotten.'));
    if (token()) {
      show();
      load();
    } else {
      askForToken('');
    }
  }

  function show() {
    document.getElementById('sign-in').hidden = true;
    document.getElementById('sign-out').hidden = false;
    document.getElementById('content').hidden = false;
  }

  /**
   * Calls the API with the token; resolves to the Response when 2xx. A 401 asks for the token
   * again; any other error rejects with an ApiError carrying the problem's detail.
   */
  async function call(path, options = {}) {
    if (!token()) { // forgotten meanwhile: a refresh still pending must not send "Bearer null"
      askForToken('');
      throw new ApiError(401, null);
    }
    const headers = Object.assign({ Authorization: 'Bearer ' + token() }, options.headers || {});
    const response = await fetch(path, Object.assign({}, options, { headers, cache: 'no-store', credentials: 'omit' }));
    if (response.ok) {
      return response;
    }
    let problem = null;
    try {
      problem = await response.json();
    } catch (e) {
      // not problem+json: the status says it
    }
    if (response.status === 401) {
      askForToken('The token was not accepted: ' + (problem && problem.detail ? problem.detail : 'sign in again.'));
    }
    throw new ApiError(response.status, problem);
  }

  async function json(path, options) {
    return (await call(path, options)).json();
  }

  /** Posts a JSON body and returns the parsed answer. */
  async function post(path, body) {
    return json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** Creates an element with attributes and children (strings become text nodes). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (name === 'class') {
        node.className = value;
      } else if (name.startsWith('on')) {
        node.addEventListener(name.substring(2), value);
      } else {
        node.setAttribute(name, value === true ? '' : value);
      }
    }
    for (const child of children.flat()) {
      if (child !== undefined && child !== null && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  /** Writes a one-line message to the page's status line. */
  function say(text, isError) {
    const message = document.getElementById('message');
    message.textContent = text;
    message.className = isError ? 'error' : '';
  }

  function terminal(status) {
    return TERMINAL.includes(status);
  }

  /** A status as a badge: its words and a class that colours it. */
  function badge(status) {
    return el('span', { class: 'badge status-' + String(status).toLowerCase() }, String(status).replace(/_/g, ' ').toLowerCase());
  }

  /** An instant as "2026-12-01 08:30:12 UTC" in a <time> element. */
  function time(iso) {
    if (!iso) {
      return '—';
    }
    return el('time', { datetime: iso }, iso.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC'));
  }

  /** Milliseconds as "850 ms", "12.4 s" or "3 min 05 s". */
  function duration(ms) {
    if (ms === undefined || ms === null || ms < 0) {
      return '—';
    }
    if (ms < 1000) {
      return ms + ' ms';
    }
    if (ms < 60000) {
      return (ms / 1000).toFixed(1) + ' s';
    }
    const minutes = Math.floor(ms / 60000);
    const seconds = Math.floor((ms % 60000) / 1000);
    return minutes + ' min ' + String(seconds).padStart(2, '0') + ' s';
  }

  /** How long a session has run: to its last change once it ended, to now while it goes on. */
  function sessionDuration(session) {
    const end = terminal(session.status) ? Date.parse(session.updatedAt) : Date.now();
    return duration(end - Date.parse(session.createdAt));
  }

  /** US dollars from a usage: "$0.00" for nothing, four decimals below a cent. */
  function cost(usage) {
    const usd = usage && usage.costUsd ? usage.costUsd : 0;
    return '$' + (usd === 0 || usd >= 0.01 ? usd.toFixed(2) : usd.toFixed(4));
  }

  /** The lowercase hex SHA-256 of bytes, computed by the browser. */
  async function sha256(bytes) {
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
  }

  return { ApiError, start, call, json, post, el, say, terminal, badge, time, duration, sessionDuration, cost, sha256 };
})();
