// The run index of `testbed view`: every episode of the run with its verdict, filterable by verdict, language and
// scenario, each linking to its episode page. The rows come from the JSON in <script id="run-data">.
import './viewer.css';
import { el, fmt } from './page.js';

const data = JSON.parse(document.getElementById('run-data').textContent);
const app = document.getElementById('app');
app.classList.add('index');
app.append(el('h1', {}, `run ${data.run_id}`), el('p', {}, `${data.episodes.length} episode(s); ${data.viewable} with a page`));

const filters = el('form', { class: 'filters', id: 'filters' });
const columns = ['verdict', 'language', 'scenario'];
const selects = {};
for (const column of columns) {
  const values = [...new Set(data.episodes.map((e) => e[column]))].sort();
  const select = el('select', { name: column, id: `filter-${column}` }, el('option', { value: '' }, `every ${column}`),
    ...values.map((v) => el('option', { value: v }, v)));
  select.addEventListener('change', apply);
  selects[column] = select;
  filters.append(el('label', {}, `${column} `, select));
}
const count = el('span', { id: 'shown' });
filters.append(count);
app.append(filters);

const body = el('tbody');
app.append(el('table', { id: 'episodes' },
  el('thead', {}, el('tr', {}, ...['scenario', 'language', 'policy', 'seed', 'verdict', 'worst harm', 'page'].map((h) => el('th', {}, h)))),
  body));
const rows = data.episodes.map((e) => {
  const worst = e.worst_harm ? `${e.worst_harm.kind}${e.worst_harm.region ? ` on ${e.worst_harm.region}` : ''}: ${fmt(e.worst_harm.value, 4)} ${e.worst_harm.unit} (${e.worst_harm.severity})` : '';
  const link = e.page ? el('a', { href: e.page }, 'view') : el('span', { title: e.no_page_reason ?? '' }, '–');
  const row = el('tr', { class: `verdict-${e.verdict}` },
    el('td', {}, e.scenario), el('td', {}, e.language), el('td', {}, e.policy), el('td', {}, String(e.seed)),
    el('td', { class: `verdict verdict-${e.verdict}` }, e.verdict), el('td', {}, worst), el('td', {}, link));
  body.append(row);
  return { e, row };
});

function apply() {
  let shown = 0;
  for (const { e, row } of rows) {
    const visible = columns.every((c) => !selects[c].value || e[c] === selects[c].value);
    row.hidden = !visible;
    if (visible) shown++;
  }
  count.textContent = `${shown} shown`;
}
apply();
