import { Router } from '../http/router.js';
import type { Req } from '../http/types.js';
import type { OktaState } from './state.js';

/**
 * The few Admin Console pages scim-setup links to, so that a guided step can be rehearsed in the
 * sandbox: the app's Provisioning and Assignments tabs (one page: the tab is a
 * fragment the server never sees) and Dashboard → Tasks. Each form sends what an admin's clicks
 * change, to the sandbox's control API.
 */
export function consolePages(state: OktaState): Router {
  const pages = new Router();
  pages.add({ method: 'GET', template: '/admin/app/scim2testapp/instance/{appId}/', handler: (req: Req) => appPage(state, req.params.appId) });
  pages.add({ method: 'GET', template: '/admin/tasks', handler: () => tasksPage(state) });
  return pages;
}

function appPage(state: OktaState, appId: string) {
  const app = state.apps.get(appId);
  if (!app) return html(404, 'No such app', `<p>No app ${htmlText(appId)} in this sandbox org.</p>`);
  const p = app.provisioning;
  const checked = (on: boolean | undefined) => (on ? ' checked' : '');
  const waiting = app.unprovisioned.size;
  return html(
    200,
    `${app.label}: Provisioning`,
    `<h1>${htmlText(app.label)} <small>(${htmlText(app.id)})</small></h1>
<section id="tab-provisioning">
<h2>Provisioning: Integration</h2>
<form id="provisioning">
<label>SCIM 2.0 Base URL <input name="baseUrl" size="90" value="${htmlText(p?.baseUrl ?? '')}"></label><br>
<label>OAuth Bearer Token <input name="token" type="password" size="60" autocomplete="off"></label><br>
<label><input type="checkbox" name="createUsers"${checked(p?.createUsers ?? true)}> Create Users</label>
<label><input type="checkbox" name="deactivateUsers"${checked(p?.deactivateUsers ?? true)}> Deactivate Users</label>
<label><input type="checkbox" name="updateUserAttributes"${checked(p?.updateUserAttributes)}> Update User Attributes</label><br>
<button>Save</button> <output></output>
</form>
<p>Provisioning is ${p?.enabled ? 'on' : 'off'}.</p>
</section>
<section id="tab-assignments">
<h2>Assignments</h2>
<p>${waiting} user${waiting === 1 ? '' : 's'} assigned before provisioning was on ${waiting === 1 ? 'is' : 'are'} not provisioned.</p>
<form data-post="/__sandbox/apps/${encodeURIComponent(app.id)}/provision-users"><button>Provision User</button> <output></output></form>
</section>
<script>
const send = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })
  .then((r) => (r.ok ? 'saved' : r.text()));
document.getElementById('provisioning').addEventListener('submit', (event) => {
  event.preventDefault();
  const f = event.target;
  send('/__sandbox/apps/${encodeURIComponent(app.id)}/provisioning', {
    baseUrl: f.baseUrl.value, token: f.token.value,
    createUsers: f.createUsers.checked, deactivateUsers: f.deactivateUsers.checked, updateUserAttributes: f.updateUserAttributes.checked,
  }).then((text) => { f.querySelector('output').textContent = text; });
});
for (const f of document.querySelectorAll('form[data-post]'))
  f.addEventListener('submit', (event) => { event.preventDefault(); send(f.dataset.post).then((text) => { f.querySelector('output').textContent = text; }); });
</script>`,
  );
}

function tasksPage(state: OktaState) {
  const rows = [...state.apps.values()]
    .filter((app) => app.failedTasks.size > 0)
    .map(
      (app) =>
        `<li>${htmlText(app.label)}: ${app.failedTasks.size} failed provisioning task${app.failedTasks.size === 1 ? '' : 's'}
<form data-post="/__sandbox/apps/${encodeURIComponent(app.id)}/tasks/retry"><button>Retry</button> <output></output></form></li>`,
    );
  return html(
    200,
    'Dashboard: Tasks',
    `<h1>Tasks</h1><ul>${rows.join('\n') || '<li>No failed provisioning task.</li>'}</ul>
<script>
for (const f of document.querySelectorAll('form[data-post]'))
  f.addEventListener('submit', (event) => { event.preventDefault(); fetch(f.dataset.post, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => { f.querySelector('output').textContent = r.ok ? 'retried' : r.status; }); });
</script>`,
  );
}

function html(status: number, title: string, body: string) {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${htmlText(title)} · sandbox Okta</title></head><body>\n<p><em>scim-setup sandbox: Okta's Admin Console, only what the guided steps need.</em></p>\n${body}\n</body></html>\n`,
  };
}

function htmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
