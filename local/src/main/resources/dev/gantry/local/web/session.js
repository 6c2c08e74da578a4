/*
 * A session's page: GET /sessions/{id} and its audit log, refreshed every few seconds until the
 * session ends; documents fetched on demand and checked against their recorded SHA-256 in the
 * browser; Approve and Reject post the digests shown on the page.
 */
'use strict';

(() => {
  const { el } = Gantry;
  const REFRESH_MS = 1500;
  /** The largest Markdown document the server renders; a larger one is shown as text. */
  const RENDER_LIMIT = 256 * 1024;
  const id = new URLSearchParams(location.search).get('id') || '';
  /** Document panels by name and SHA-256, kept across refreshes so an open document stays open. */
  const panels = new Map();
  let timer = null;
  let session = null;

  function $(elementId) {
    return document.getElementById(elementId);
  }

  function fact(list, term, ...value) {
    list.append(el('dt', {}, term), el('dd', {}, ...value));
  }

  function overview(s) {
    $('goal').textContent = s.goal || 'Session ' + s.sessionId;
    document.title = (s.goal || s.sessionId) + ' · Gantry';
    const list = $('overview');
    list.replaceChildren();
    const repo = s.repository || {};
    fact(list, 'Status', Gantry.badge(s.status), s.currentStage && !Gantry.terminal(s.status) ? ' at ' + s.currentStage : '');
    fact(list, 'Pipeline', s.pipeline || '—');
    fact(list, 'Repository', el('span', { class: 'path' }, repo.url || repo.path || '—'), repo.ref ? ' (' + repo.ref + ')' : '');
    fact(list, 'Commit', repo.commit ? el('code', {}, repo.commit) : '—');
    if (s.stack) {
      fact(list, 'Stack', s.stack);
    }
    fact(list, 'Started', Gantry.time(s.createdAt), s.origin ? ' by ' + s.origin.actor + ' (' + s.origin.trigger + ')' : '');
    fact(list, 'Duration', Gantry.sessionDuration(s));
    const usage = s.usage || {};
    fact(list, 'Cost', Gantry.cost(usage), ' for ' + ((usage.inputTokens || 0) + (usage.cacheReadTokens || 0)
      + (usage.cacheWriteTokens || 0)) + ' input and ' + (usage.outputTokens || 0) + ' output tokens');
    if (s.failure) {
      fact(list, 'Failure', el('span', { class: 'error' }, s.failure));
    }
    fact(list, 'Session', el('code', {}, s.sessionId));
    if (s.executionConsoleUrl) {
      fact(list, 'Execution', el('a', { href: s.executionConsoleUrl, rel: 'noreferrer' }, 'Step Functions console'));
    }
  }

  function stages(s) {
    $('stages').replaceChildren(...s.stages.map(stage => el('li', { class: 'stage status-' + stage.status.toLowerCase(),
      'data-stage': stage.name, title: stage.summary || '' },
      el('span', { class: 'stage-name' }, stage.name),
      Gantry.badge(stage.status),
      el('span', { class: 'stage-meta' }, Gantry.duration(stage.durationMillis)),
      el('span', { class: 'stage-meta' }, stage.attempts + (stage.attempts === 1 ? ' attempt' : ' attempts')))));
  }

  function approval(s) {
    const pending = s.pendingApproval;
    $('approval').hidden = !pending;
    if (!pending) {
      return;
    }
    $('approval-digest').textContent = pending.digest;
    $('approval-change-set-digest').textContent = pending.changeSet ? pending.changeSet.sha256 : '';
    $('approval-change-set-digest').parentElement.previousElementSibling.hidden = !pending.changeSet;
  }

  function changeSet(s) {
    const set = s.pendingApproval && s.pendingApproval.changeSet;
    $('change-set').hidden = !set;
    if (!set) {
      return;
    }
    const list = $('change-set-facts');
    list.replaceChildren();
    fact(list, 'Change set', el('code', {}, set.changeSetId), ' (' + set.mode + ')');
    const summary = set.summary || {};
    fact(list, 'Changes', summary.adds + ' to add, ' + summary.modifies + ' to modify, ' + summary.replaces + ' to replace, '
      + summary.removes + ' to remove');
    const risks = set.risks || [];
    $('risks').querySelector('tbody').replaceChildren(...(risks.length ? risks.map(risk => el('tr', {},
      el('td', {}, el('span', { class: 'badge risk' }, risk.kind)), el('td', {}, risk.logicalResourceId || '—'),
      el('td', {}, risk.message || ''))) : [el('tr', {}, el('td', { colspan: '3' }, 'No risk flags.'))]));
  }

  function decision(s) {
    const d = s.decision;
    $('decision').hidden = !d;
    if (!d) {
      return;
    }
    const list = $('decision-facts');
    list.replaceChildren();
    fact(list, 'Decision', Gantry.badge(d.decision === 'approve' ? 'approved' : 'rejected'), ' by ' + d.actor + ' at ',
      Gantry.time(d.decidedAt));
    fact(list, 'Template SHA-256', el('code', {}, d.digest));
    if (d.changeSetId) {
      fact(list, 'Change set', el('code', {}, d.changeSetId));
    }
    if (d.comment) {
      fact(list, 'Comment', d.comment);
    }
  }

  function findings(s) {
    const list = s.findings || [];
    $('no-findings').hidden = list.length > 0;
    $('findings').hidden = list.length === 0;
    $('findings').querySelector('tbody').replaceChildren(...list.map(f => el('tr', {},
      el('td', {}, el('span', { class: 'badge severity-' + String(f.severity).toLowerCase() }, f.severity)),
      el('td', {}, el('code', {}, f.rule)),
      el('td', {}, (f.location || '') + (f.line ? ' (line ' + f.line + ')' : '')),
      el('td', {}, f.message || '', f.acknowledgement ? el('div', { class: 'muted' }, 'Accepted: ' + f.acknowledgement) : ''),
      el('td', {}, f.fix || ''))));
  }

  /** What a document's bytes look like on the page: Markdown rendered by the server, JSON indented, text as is. */
  async function body(doc, bytes) {
    const type = (doc.contentType || '').toLowerCase();
    const text = () => new TextDecoder('utf-8').decode(bytes);
    if ((type.startsWith('text/markdown') || doc.name.endsWith('.md')) && bytes.byteLength <= RENDER_LIMIT) {
      const response = await Gantry.call('/ui/render/markdown', { method: 'POST',
        headers: { 'Content-Type': 'text/markdown; charset=utf-8' }, body: bytes });
      const rendered = el('div', { class: 'markdown' });
      rendered.innerHTML = await response.text(); // commonmark's output with raw HTML escaped and unsafe links dropped
      return rendered;
    }
    if (type.includes('json') || doc.name.endsWith('.json')) {
      try {
        return el('pre', { class: 'json' }, JSON.stringify(JSON.parse(text()), null, 2));
      } catch (e) {
        return el('pre', {}, text());
      }
    }
    if (type.startsWith('text/') || /yaml|x-patch|x-diff/.test(type) || /\.(ya?ml|patch|diff|txt)$/.test(doc.name)) {
      return el('pre', {}, text());
    }
    return el('p', { class: 'muted' }, 'Not shown here: ' + (doc.contentType || 'binary') + ', ' + bytes.byteLength + ' bytes.');
  }

  /** Fetches a document, checks its SHA-256 against the recorded one and shows it. */
  async function open(doc, panel) {
    const check = panel.querySelector('.check');
    const holder = panel.querySelector('.document-body');
    check.textContent = 'Fetching and checking…';
    try {
      const bytes = await (await Gantry.call(doc.link)).arrayBuffer();
      const computed = await Gantry.sha256(bytes);
      if (computed === doc.sha256) {
        check.className = 'check ok';
        check.textContent = 'SHA-256 verified in this browser: ' + computed;
      } else {
        check.className = 'check error';
        check.textContent = 'SHA-256 mismatch: recorded ' + doc.sha256 + ', received ' + computed;
      }
      holder.replaceChildren(await body(doc, bytes));
    } catch (e) {
      check.className = 'check error';
      check.textContent = 'Could not read the document: ' + e.message;
      panel.dataset.loaded = '';
    }
  }

  function documents(s) {
    const shown = s.documents.map(doc => {
      const key = doc.name + '@' + doc.sha256;
      let panel = panels.get(key);
      if (!panel) {
        panel = el('details', { class: 'document', 'data-document': doc.name },
          el('summary', {}, el('span', { class: 'document-name' }, doc.name),
            el('span', { class: 'muted' }, ' ' + doc.contentType + ', ' + doc.sizeBytes + ' bytes, SHA-256 '),
            el('code', { class: 'digest', title: doc.sha256 }, doc.sha256.substring(0, 16) + '…')),
          el('p', { class: 'check', role: 'status' }),
          el('div', { class: 'document-body' }));
        panel.addEventListener('toggle', () => {
          if (panel.open && !panel.dataset.loaded) {
            panel.dataset.loaded = 'yes';
            open(doc, panel);
          }
        });
        panels.set(key, panel);
      }
      return panel;
    });
    $('documents').replaceChildren(...(shown.length ? shown : [el('p', {}, 'No documents yet.')]));
  }

  function audit(log) {
    const entries = log.entries;
    let linked = true;
    for (let i = 1; i < entries.length; i++) {
      linked = linked && entries[i].previousHash === entries[i - 1].hash;
    }
    const chain = $('chain');
    if (log.chain.verified && linked) {
      chain.className = 'ok';
      chain.textContent = 'Chain verified: the server recomputed all ' + log.chain.entries
        + ' hashes, and each entry here names the hash of the one before.';
    } else {
      chain.className = 'error';
      chain.textContent = 'Chain broken: ' + (log.chain.problem || 'an entry does not name the hash of the one before it');
    }
    $('audit').querySelector('tbody').replaceChildren(...entries.map(e => el('tr', {},
      el('td', { class: 'number' }, e.seq),
      el('td', {}, Gantry.time(e.at)),
      el('td', {}, e.actor),
      el('td', {}, e.action),
      el('td', { class: 'details' }, Object.entries(e.details || {}).map(([k, v]) => el('div', {}, el('span', { class: 'muted' }, k + ': '), v))),
      el('td', {}, el('code', { title: e.hash }, e.hash.substring(0, 12))))));
  }

  /** The whole audit log, page after page; the chain check of the first page covers every entry. */
  async function auditLog() {
    const base = '/sessions/' + encodeURIComponent(id) + '/audit';
    const first = await Gantry.json(base);
    let next = first.nextCursor;
    while (next) {
      const page = await Gantry.json(base + '?cursor=' + encodeURIComponent(next));
      first.entries = first.entries.concat(page.entries);
      next = page.nextCursor;
    }
    return first;
  }

  async function load() {
    clearTimeout(timer);
    try {
      session = await Gantry.json('/sessions/' + encodeURIComponent(id));
      const log = await auditLog();
      overview(session);
      approval(session);
      stages(session);
      changeSet(session);
      decision(session);
      findings(session);
      documents(session);
      audit(log);
      const live = !Gantry.terminal(session.status);
      $('refreshing').hidden = !live;
      if (live) {
        timer = setTimeout(load, REFRESH_MS);
      }
    } catch (e) {
      if (e.status !== 401) {
        Gantry.say('Could not read the session: ' + e.message, true);
      }
    }
  }

  async function decide(event) {
    event.preventDefault();
    const choice = event.submitter ? event.submitter.value : 'approve';
    const comment = $('comment').value.trim();
    if (choice === 'reject' && !comment) {
      Gantry.say('A rejection needs a comment: say why in the comment box.', true);
      $('comment').focus();
      return;
    }
    const request = { decision: choice, digest: $('approval-digest').textContent };
    if ($('approval-change-set-digest').textContent) {
      request.changeSetDigest = $('approval-change-set-digest').textContent;
    }
    if (comment) {
      request.comment = comment;
    }
    const buttons = [$('approve'), $('reject')];
    buttons.forEach(b => { b.disabled = true; });
    try {
      await Gantry.post(session.pendingApproval.decide, request);
      $('comment').value = '';
      Gantry.say(choice === 'approve' ? 'Approved: the deploy stage runs the change set shown.' : 'Rejected.');
      await load();
    } catch (e) {
      if (e.status !== 401) {
        Gantry.say('The decision was refused: ' + e.message, true);
      }
    } finally {
      buttons.forEach(b => { b.disabled = false; });
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('decide').addEventListener('submit', decide);
    if (!/^[0-9a-f-]{36}$/.test(id)) {
      Gantry.say('This page needs a session id: open a session from the list of sessions.', true);
      return;
    }
    Gantry.start(load);
  });
})();
