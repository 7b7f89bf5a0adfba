// FollowUp's one script. Progressive enhancement only: every page that loads it works the same without it (the
// schedule form's "Check and preview" button, the status page's Refresh link). The server renders every fragment
// this script puts in a page, with the same Razor partial the page itself uses: no markup or rule is written here.
(() => {
  'use strict';

  // The answer is shown only when it is the server's own fragment: a session that ended redirects to the sign-in
  // page, which must not appear inside the form.
  const fragment = async (url, init) => {
    const response = await fetch(url, { credentials: 'same-origin', redirect: 'follow', ...init });
    if (!response.ok || response.redirected || response.headers.get('X-FollowUp-Fragment') !== '1') return null;
    return response.text();
  };

  // Replaces the children that changed only, so that a screen reader hears what is new, not the whole region again.
  const update = (region, html) => {
    const next = document.createElement('div');
    next.innerHTML = html;
    const old = Array.from(region.children);
    const fresh = Array.from(next.children);
    if (old.length !== fresh.length) {
      region.replaceChildren(...fresh);
      return;
    }
    fresh.forEach((child, i) => {
      if (!child.isEqualNode(old[i])) old[i].replaceWith(child);
    });
  };

  // The schedule form: checked by the server (the same code as `schedule validate`) a moment after the admin stops
  // typing, and the preview rendered again. Only the newest answer is shown.
  const form = document.querySelector('form[data-check]');
  if (form) {
    const region = document.getElementById(form.dataset.region);
    let timer = 0;
    let asked = 0;
    const check = async () => {
      const mine = ++asked;
      try {
        const html = await fragment(form.dataset.check, { method: 'POST', body: new FormData(form) });
        if (html !== null && mine === asked) update(region, html);
      } catch {
        // Offline or the server away: the button still checks.
      }
    };
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(check, 600);
    };
    form.addEventListener('input', soon);
    form.addEventListener('change', soon);
  }

  // The status page: its facts read again every few seconds, in place.
  const facts = document.querySelector('[data-refresh]');
  if (facts) {
    const every = Math.max(2, Number(facts.dataset.every) || 5) * 1000;
    const tick = async () => {
      try {
        const html = await fragment(facts.dataset.refresh, { method: 'GET' });
        if (html !== null) update(facts, html);
      } catch {
        // The next tick tries again.
      }
      setTimeout(tick, every);
    };
    setTimeout(tick, every);
  }
})();
