"""The web page's stylesheet and script, inline (the page is one file, read from disk, no network).

A sidebar of contents beside the report from 900 px up, above it on narrower screens; the summary
table becomes one block per claim on a phone; figures and formulas scale down with the column.
The script only filters: without it every claim is shown.
"""

from reports.svg import STROKE_CSS

CSS = """
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color: #1f2328; margin: 0; }
.layout { display: grid; grid-template-columns: 16.5rem minmax(0, 1fr); gap: 2.5rem;
          max-width: 86rem; margin: 0 auto; padding: 0 1.5rem; }
main { min-width: 0; max-width: 64rem; padding-bottom: 4rem; }
h1 { font-size: 1.7rem; margin: 1.5rem 0 .3rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; }
h2.part { padding-top: .6rem; border-top: 3px solid #1f2328; }
h3 { font-size: 1.15rem; margin: 2.2rem 0 .4rem; padding-top: .8rem; border-top: 1px solid #d0d7de; }
a { color: #0969da; text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font: .86em/1.4 ui-monospace, Menlo, Consolas, monospace; background: #f6f8fa;
            border-radius: 4px; }
code { padding: .1em .3em; overflow-wrap: anywhere; }
pre { padding: .7rem; white-space: pre-wrap; overflow-wrap: anywhere; }
[hidden] { display: none !important; }
nav.toc { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding: 1.2rem 0 2rem;
          font-size: .85rem; line-height: 1.35; }
nav.toc summary { font-weight: 700; font-size: 1rem; cursor: pointer; margin-bottom: .4rem; }
nav.toc .paper { margin: .9rem 0 .2rem; font-weight: 700; color: #57606a; font-size: .75rem;
                 text-transform: uppercase; letter-spacing: .04em; }
nav.toc ul { list-style: none; margin: 0; padding: 0; }
nav.toc li.part { margin-top: .5rem; }
nav.toc li.part > a { font-weight: 600; color: #1f2328; }
nav.toc li.claim { padding-left: .8rem; }
nav.toc li.claim a { color: #424a53; overflow-wrap: anywhere; }
.dot { display: inline-block; width: .55rem; height: .55rem; border-radius: 50%; margin-right: .35rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .8rem 1rem; }
.card h3 { font-size: 1rem; margin: 0 0 .3rem; padding: 0; border: 0; }
.card p { margin: .2rem 0; font-size: .9rem; }
.card svg { display: block; width: 100%; height: auto; margin-top: .4rem; }
.paper-line { color: #57606a; margin: .2rem 0 1rem; }
#filter { display: flex; flex-wrap: wrap; gap: .4rem 1.5rem; align-items: center; margin: 1.5rem 0 .8rem;
          padding: .6rem .8rem; background: #f6f8fa; border-radius: 8px; font-size: .9rem; }
#filter fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .8rem; }
#filter legend { font-weight: 600; float: left; margin-right: .6rem; }
#filter label { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; }
td.claim { overflow-wrap: anywhere; }
td.claim span { display: block; color: #57606a; font-size: .82rem; }
td.num { white-space: nowrap; }
tr.part-row th { background: #eaeef2; font-size: .85rem; }
tbody tr:hover td { background: #f6f8fa; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .3rem 1rem; }
dt { font-weight: 600; color: #57606a; }
dd { margin: 0; min-width: 0; }
dd ul { margin: 0; padding-left: 1.2rem; }
svg.math { vertical-align: middle; max-width: 100%; height: auto; }
.scroll { max-width: 100%; overflow-x: auto; }
.formula { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: middle; }
code .w { white-space: nowrap; }
svg.figure { display: block; width: 100%; max-width: 40rem; height: auto; margin: 1rem 0; }
.sprite { position: absolute; width: 0; height: 0; overflow: hidden; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; color: #fff;
         font-size: .8rem; font-weight: 600; white-space: nowrap; }
.pass { background: #1a7f37; } .fail { background: #cf222e; }
.inconclusive { background: #9a6700; } .invalid { background: #6e7781; }
.note { border-left: 4px solid #bf8700; background: #fff8c5; padding: .5rem .8rem; }
.alert { border-left: 4px solid #cf222e; background: #ffebe9; padding: .5rem .8rem; font-weight: 600; }
@media (max-width: 900px) {
  .layout { display: block; padding: 0 .8rem; }
  nav.toc { position: static; max-height: none; padding: .8rem 0 0; }
}
@media (max-width: 640px) {
  table.summary thead { display: none; }
  table.summary tr { display: block; border-bottom: 1px solid #d0d7de; padding: .4rem 0; }
  table.summary td { display: block; border: 0; padding: .1rem .2rem; white-space: normal; }
  table.summary td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: #57606a; }
  table.summary tr.part-row th { display: block; }
  dl { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dd { margin-bottom: .5rem; }
}
""" + STROKE_CSS + "\n"

# Filters by verdict and kind: rows, contents entries and sections carry data-verdict and data-kind;
# a part's heading, row and entry hide when none of its claims is shown. Following a link to a
# hidden claim clears the filter.
JS = """
(function () {
  var form = document.getElementById('filter');
  if (!form) return;
  form.hidden = false;
  var boxes = form.querySelectorAll('input[type=checkbox]');
  function apply() {
    var on = {verdict: {}, kind: {}};
    boxes.forEach(function (b) { if (b.checked) on[b.name][b.value] = true; });
    var shown = 0;
    document.querySelectorAll('[data-verdict]').forEach(function (el) {
      var ok = on.verdict[el.dataset.verdict] && on.kind[el.dataset.kind];
      el.hidden = !ok;
      if (ok && el.tagName === 'SECTION') shown++;
    });
    document.querySelectorAll('[data-part]').forEach(function (el) {
      var any = document.querySelector('section[data-in="' + el.dataset.part + '"]:not([hidden])');
      el.hidden = !any;
    });
    document.getElementById('shown').textContent = shown;
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  function reveal() {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.closest('[hidden]')) {
      boxes.forEach(function (b) { b.checked = true; });
      apply();
      target.scrollIntoView();
    }
  }
  window.addEventListener('hashchange', reveal);
  var toc = document.querySelector('nav.toc details');
  if (toc && window.matchMedia('(max-width: 900px)').matches) toc.open = false;
})();
"""
