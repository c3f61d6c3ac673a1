/**
 * The browser side of the HTML report, as plain JavaScript (ES2017, no modules) inlined after graphology's and sigma's
 * UMD builds. It reads the report data from a JSON <script> block, never writes HTML from data (textContent and
 * setAttribute only), and only links to explorer URLs the report generator validated (http/https templates).
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('chaintrail-data').textContent);
  var status = document.getElementById('graph-status');
  var tooltip = document.getElementById('tooltip');
  var pathPanel = document.getElementById('path-panel');
  var graph = new graphology.MultiDirectedGraph();
  data.nodes.forEach(function (n) { graph.addNode(n.key, { x: n.x, y: n.y, size: n.size, color: n.color, label: n.label, info: n.info }); });
  data.edges.forEach(function (e) {
    graph.addEdgeWithKey(e.key, e.source, e.target, { size: e.size, color: e.color, tx: e.tx, amount: e.amount, time: e.time, t: e.t, seed: e.seed });
  });
  document.getElementById('node-count').textContent = String(graph.order);
  document.getElementById('edge-count').textContent = String(graph.size);

  function explorerUrl(chain, kind, value) {
    var t = data.explorers[chain] && data.explorers[chain][kind];
    if (!t) return null;
    return t.split('{' + kind + '}').join(encodeURIComponent(value));
  }

  // Shortest tainted paths from the seed recipients, as the engine computes them: breadth first, ties to the earliest edge.
  var parent = {};
  var seeds = graph.filterNodes(function (n, a) { return a.info.seed; }).sort();
  var seen = {};
  seeds.forEach(function (n) { seen[n] = true; });
  var frontier = seeds.slice();
  while (frontier.length) {
    var next = [];
    frontier.forEach(function (node) {
      var out = graph.outEdges(node).slice().sort(function (a, b) {
        var ta = graph.getEdgeAttribute(a, 't'), tb = graph.getEdgeAttribute(b, 't');
        return ta - tb || (a < b ? -1 : a > b ? 1 : 0);
      });
      out.forEach(function (e) {
        var to = graph.target(e);
        if (seen[to]) return;
        seen[to] = true;
        parent[to] = e;
        next.push(to);
      });
    });
    frontier = next;
  }

  function pathTo(node) {
    var edges = [];
    var current = node;
    var guard = 0;
    while (parent[current] && guard++ < 10000) { edges.push(parent[current]); current = graph.source(parent[current]); }
    var seedEdges = graph.inEdges(current).filter(function (e) { return graph.getEdgeAttribute(e, 'seed'); })
      .sort(function (a, b) { return graph.getEdgeAttribute(a, 't') - graph.getEdgeAttribute(b, 't'); });
    if (seedEdges.length) edges.push(seedEdges[0]);
    else if (!graph.inDegree(node)) edges = graph.outEdges(node).filter(function (e) { return graph.getEdgeAttribute(e, 'seed'); });
    edges.reverse();
    return edges;
  }

  var highlight = null;
  function clearChildren(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function select(node) {
    var edges = node === null ? [] : pathTo(node);
    highlight = node === null ? null : { node: node, nodes: {}, edges: {} };
    clearChildren(pathPanel);
    if (highlight) {
      highlight.nodes[node] = true;
      edges.forEach(function (e) { highlight.edges[e] = true; highlight.nodes[graph.source(e)] = true; highlight.nodes[graph.target(e)] = true; });
      var title = document.createElement('h3');
      title.textContent = 'Path from the victim payment to ' + graph.getNodeAttribute(node, 'info').address;
      pathPanel.appendChild(title);
      var list = document.createElement('ol');
      edges.forEach(function (e) {
        var a = graph.getEdgeAttributes(e);
        var li = document.createElement('li');
        var chain = graph.getNodeAttribute(graph.source(e), 'info').chain;
        var url = explorerUrl(chain, 'tx', a.tx);
        var link = document.createElement(url ? 'a' : 'span');
        if (url) { link.setAttribute('href', url); link.setAttribute('rel', 'noreferrer noopener'); link.setAttribute('target', '_blank'); }
        link.className = 'hash';
        link.textContent = a.tx;
        li.appendChild(link);
        li.appendChild(document.createTextNode(' · ' + a.amount + ' · ' + a.time));
        list.appendChild(li);
      });
      pathPanel.appendChild(list);
    }
    window.chaintrail.selected = highlight ? { node: node, txs: edges.map(function (e) { return graph.getEdgeAttribute(e, 'tx'); }) } : null;
    if (renderer) renderer.refresh();
  }

  window.chaintrail = { graph: graph, renderer: null, select: select, selected: null, pathTo: pathTo };
  var container = document.getElementById('graph');
  var renderer = null;
  try {
    renderer = new Sigma.Sigma(graph, container, {
      settings: { itemSizesReference: 'screen', labelRenderedSizeThreshold: 9, renderEdgeLabels: false, enableEdgeEvents: false, stagePadding: 40 },
      nodeReducer: function (key, d, attrs) {
        var res = {};
        if (attrs.info.seed || attrs.info.endpoint) res.labelVisibility = 'visible';
        if (highlight && !highlight.nodes[key]) { res.color = '#dee2e6'; res.labelVisibility = 'hidden'; }
        if (highlight && highlight.node === key) res.highlighted = true;
        return res;
      },
      edgeReducer: function (key) {
        if (!highlight) return {};
        return highlight.edges[key] ? { color: '#e03131', size: 4, zIndex: 1 } : { color: '#f1f3f5' };
      },
    });
  } catch (err) {
    status.textContent = 'The graph could not be drawn (' + (err && err.message ? err.message : String(err)) + '). The tables below are complete.';
    status.className = 'warning';
    return;
  }
  window.chaintrail.renderer = renderer;

  // Seeds (victim payments' recipients) and endpoints get rings on an overlay canvas.
  var overlay = document.createElement('canvas');
  overlay.className = 'overlay';
  container.appendChild(overlay);
  function drawRings() {
    var dims = renderer.getDimensions();
    var ratio = window.devicePixelRatio || 1;
    overlay.width = dims.width * ratio; overlay.height = dims.height * ratio;
    overlay.style.width = dims.width + 'px'; overlay.style.height = dims.height + 'px';
    var ctx = overlay.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, dims.width, dims.height);
    graph.forEachNode(function (key, a) {
      if (!a.info.seed && !a.info.endpoint) return;
      if (highlight && !highlight.nodes[key]) return;
      var d = renderer.getNodeDisplayData(key);
      if (!d) return;
      var p = renderer.graphToViewport({ x: a.x, y: a.y });
      var r = renderer.scaleSize(d.size) + 3;
      ctx.beginPath();
      ctx.lineWidth = a.info.seed ? 3 : 2;
      ctx.strokeStyle = a.info.seed ? '#212529' : '#c2255c';
      if (!a.info.seed) ctx.setLineDash([4, 2]); else ctx.setLineDash([]);
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
      ctx.stroke();
    });
  }
  renderer.on('afterRender', drawRings);
  drawRings();

  function showTooltip(node, event) {
    var info = graph.getNodeAttribute(node, 'info');
    clearChildren(tooltip);
    var rows = [
      ['address', info.address], ['chain', info.chain], ['entity', info.entity || '(unlabeled)'], ['category', info.category || '-'],
      ['jurisdiction', info.jurisdictions || 'unknown'], ['hops', info.hops === null ? '-' : String(info.hops)],
      ['role', info.role], ['tainted in', info.taintedIn || '-'], ['tainted out', info.taintedOut || '-'], ['still held', info.held || '-'],
    ];
    var dl = document.createElement('dl');
    rows.forEach(function (r) {
      var dt = document.createElement('dt'); dt.textContent = r[0];
      var dd = document.createElement('dd'); dd.textContent = r[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    tooltip.appendChild(dl);
    var x = event && typeof event.x === 'number' ? event.x : 0, y = event && typeof event.y === 'number' ? event.y : 0;
    tooltip.style.left = Math.min(x + 14, container.clientWidth - 260) + 'px';
    tooltip.style.top = (y + 14) + 'px';
    tooltip.hidden = false;
    window.chaintrail.hovered = node;
  }
  renderer.on('enterNode', function (p) { container.style.cursor = 'pointer'; showTooltip(p.node, p.event); });
  renderer.on('leaveNode', function () { container.style.cursor = ''; tooltip.hidden = true; window.chaintrail.hovered = null; });
  renderer.on('clickNode', function (p) { select(p.node); });
  renderer.on('clickStage', function () { select(null); });
  document.getElementById('clear-path').addEventListener('click', function () { select(null); });
  status.textContent = 'Hover an address for details; click it to highlight the path from the victim payment.';
  window.chaintrail.ready = true;
})();
`;
